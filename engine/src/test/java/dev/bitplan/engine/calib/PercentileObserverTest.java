package dev.bitplan.engine.calib;

import dev.bitplan.engine.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PercentileObserverTest {

    @Test
    void uniformUnitIntervalAt9999() {
        TensorStatistics stats = Samples.statsOf(Samples.uniform(11, Samples.N, 0, 1));
        ActivationRange range = new PercentileObserver(99.99).range(stats, 8);
        assertEquals(0.9999, range.max(), stats.binWidth());
        assertEquals(0.0, range.min()); // non-negative tensor keeps 0 as its lower bound
    }

    @Test
    void standardNormalAt999IsAboutPlusMinus309() {
        TensorStatistics stats = Samples.statsOf(Samples.normal(12, Samples.N));
        ActivationRange range = new PercentileObserver(99.9).range(stats, 8);
        assertEquals(3.09, range.max(), 3.09 * 0.03);
        assertEquals(-3.09, range.min(), 3.09 * 0.03);
    }

    @Test
    void ignoresRareOutliersThatMinMaxKeeps() {
        float[] values = Samples.withOutliers(Samples.normal(13, Samples.N), 500f, -400f);
        TensorStatistics stats = Samples.statsOf(values);
        ActivationRange range = new PercentileObserver(99.99).range(stats, 8);
        assertEquals(Samples.exactPercentile(values, 99.99), range.max(), stats.binWidth());
        assertEquals(Samples.exactPercentile(values, 0.01), range.min(), stats.binWidth());
        assertEquals(new ActivationRange(-400, 500), new MinMaxObserver().range(stats, 8));
    }

    @Test
    void hundredPercentIsTheObservedRange() {
        TensorStatistics stats = Samples.statsOf(Samples.laplace(14, 100_000));
        assertEquals(stats.observedRange(), new PercentileObserver(100).range(stats, 8));
    }

    @Test
    void rejectsPercentilesOutsideFiftyToHundred() {
        assertThrows(InvalidInputException.class, () -> new PercentileObserver(50));
        assertThrows(InvalidInputException.class, () -> new PercentileObserver(100.5));
    }
}
