package dev.bitplan.engine.calib;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EntropyObserverTest {

    private final EntropyObserver entropy = new EntropyObserver();

    private static float[] reluNormalWithOutliers() {
        float[] outliers = new float[10];
        java.util.Arrays.fill(outliers, 100f);
        return Samples.withOutliers(Samples.reluNormal(21, Samples.N), outliers);
    }

    @Test
    void reluWithHugeOutliersClipsFarBelowTheMaxAt8Bits() {
        TensorStatistics stats = Samples.statsOf(reluNormalWithOutliers());
        assertEquals(new ActivationRange(0, 100), new MinMaxObserver().range(stats, 8));
        ActivationRange range = entropy.range(stats, 8);
        assertEquals(0.0, range.min());
        // R = 128 so a bin is 1/16 wide; 255 levels need at least 255 bins, hence T >= 15.9: the
        // histogram's resolution, not the divergence, sets this floor (see EntropyObserver).
        assertTrue(range.max() > 2 && range.max() < 20, "threshold " + range.max());
    }

    @Test
    void reluWithHugeOutliersAt4BitsFindsAThresholdInTheBulk() {
        TensorStatistics stats = Samples.statsOf(reluNormalWithOutliers());
        ActivationRange range = entropy.range(stats, 4);
        assertEquals(0.0, range.min());
        assertTrue(range.max() > 2 && range.max() < 10, "threshold " + range.max());
    }

    @Test
    void signedNormalWithOutliersGetsASymmetricClip() {
        float[] values = Samples.withOutliers(Samples.normal(22, Samples.N), 100f, -100f, 100f, -100f, 100f);
        TensorStatistics stats = Samples.statsOf(values);
        ActivationRange range = entropy.range(stats, 8);
        assertTrue(range.max() > 2 && range.max() < 10, "threshold " + range.max());
        assertEquals(-range.max(), range.min());
    }

    @Test
    void uniformWithoutOutliersKeepsNearlyTheWholeRange() {
        TensorStatistics stats = Samples.statsOf(Samples.uniform(23, Samples.N, 0, 1));
        ActivationRange range = entropy.range(stats, 8);
        assertEquals(0.0, range.min());
        assertTrue(range.max() > 0.9 && range.max() <= stats.max(), "threshold " + range.max());
    }

    @Test
    void asymmetricSignedTensorIsIntersectedWithTheObservedRange() {
        float[] values = Samples.uniform(24, 200_000, -0.25, 1);
        TensorStatistics stats = Samples.statsOf(values);
        ActivationRange range = entropy.range(stats, 8);
        assertEquals(stats.min(), range.min()); // the symmetric threshold is wider than the small negative side
        assertTrue(range.max() > 0.9 && range.max() <= stats.max(), "threshold " + range.max());
    }

    @Test
    void fewDistinctValuesNeedNoClipping() {
        TensorStatistics stats = Samples.statsOf(new float[] {0f, 1f, 2f, 3f, 0f, 1f});
        assertEquals(new ActivationRange(0, 3), entropy.range(stats, 8));
    }
}
