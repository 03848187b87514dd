package dev.bitplan.engine.calib;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MseObserverTest {

    private final MseObserver mse = new MseObserver();

    @Test
    void laplaceWithOutliersClipsAndLowersTheMeasuredError() {
        float[] values = Samples.withOutliers(Samples.laplace(31, Samples.N), 60f, -45f, 55f);
        TensorStatistics stats = Samples.statsOf(values);
        ActivationRange minmax = new MinMaxObserver().range(stats, 8);
        for (int bits : new int[] {8, 4}) {
            ActivationRange range = mse.range(stats, bits);
            assertTrue(range.width() < minmax.width(), bits + " bits: " + range);
            double atMse = Samples.measuredMse(values, range, bits);
            double atMinMax = Samples.measuredMse(values, minmax, bits);
            assertTrue(atMse < atMinMax, bits + " bits: " + atMse + " vs " + atMinMax);
        }
    }

    @Test
    void fewerBitsClipTighter() {
        float[] values = Samples.withOutliers(Samples.normal(32, Samples.N), 40f, -40f);
        TensorStatistics stats = Samples.statsOf(values);
        ActivationRange at8 = mse.range(stats, 8);
        ActivationRange at4 = mse.range(stats, 4);
        assertTrue(at4.width() < at8.width(), "4 bits " + at4 + " vs 8 bits " + at8);
        assertTrue(Samples.measuredMse(values, at4, 4)
                < Samples.measuredMse(values, new MinMaxObserver().range(stats, 4), 4));
    }

    @Test
    void reluOutputKeepsZeroAsLowerBound() {
        float[] values = Samples.withOutliers(Samples.reluNormal(33, Samples.N), 50f);
        TensorStatistics stats = Samples.statsOf(values);
        ActivationRange range = mse.range(stats, 8);
        assertEquals(0.0, range.min());
        assertTrue(range.max() < 50 && range.max() > 3, range.toString());
        assertTrue(Samples.measuredMse(values, range, 8) < Samples.measuredMse(values, stats.observedRange(), 8));
    }

    @Test
    void uniformDataIsNotClippedMuch() {
        TensorStatistics stats = Samples.statsOf(Samples.uniform(34, Samples.N, -1, 1));
        ActivationRange range = mse.range(stats, 8);
        assertTrue(range.min() < -0.95 && range.max() > 0.95, range.toString());
    }
}
