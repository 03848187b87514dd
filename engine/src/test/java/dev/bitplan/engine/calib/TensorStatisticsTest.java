package dev.bitplan.engine.calib;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorStatisticsTest {

    @Test
    void tracksExactMinMaxAndCountsAcrossBatches() {
        float[] a = Samples.normal(1, 300_000);
        float[] b = Samples.uniform(2, 300_000, -7, 2);
        TensorStatistics stats = Samples.statsOf(a, b);
        float[] all = Samples.concat(a, b);
        float[] sorted = all.clone();
        Arrays.sort(sorted);
        assertEquals(sorted[0], stats.min());
        assertEquals(sorted[sorted.length - 1], stats.max());
        assertEquals(all.length, stats.count());
        assertEquals(all.length, total(stats));
        assertEquals(new ActivationRange(sorted[0], sorted[sorted.length - 1]), stats.observedRange());
    }

    @Test
    void histogramRangeIsAPowerOfTwoAboveEveryMagnitude() {
        TensorStatistics stats = Samples.statsOf(new float[] {0.3f, -0.7f});
        assertEquals(1.0, stats.histogramRange());
        stats.accept(new float[] {1.0f}); // exactly R must still fit: R doubles
        assertEquals(2.0, stats.histogramRange());
        assertEquals(2.0 / TensorStatistics.BINS_PER_SIDE, stats.binWidth());
    }

    @Test
    void growingRangeKeepsExactCountsAndPercentiles() {
        // Batches arrive in increasing magnitude: the histogram doubles several times and merges bins.
        float[] small = Samples.uniform(3, 200_000, -1, 1);
        float[] large = Samples.uniform(4, 200_000, -100, 100);
        float[] huge = Samples.uniform(5, 200_000, 0, 10_000);
        TensorStatistics grown = Samples.statsOf(small, large, huge);
        float[] all = Samples.concat(small, large, huge);

        assertEquals(all.length, grown.count());
        assertEquals(all.length, total(grown));
        assertEquals(16384.0, grown.histogramRange());

        // Anchored bins merge exactly: the same values in one batch give the very same histogram.
        TensorStatistics oneBatch = Samples.statsOf(all);
        assertArrayEquals(oneBatch.positiveBins(), grown.positiveBins());
        assertArrayEquals(oneBatch.negativeBins(), grown.negativeBins());

        PercentileObserver p99 = new PercentileObserver(99);
        ActivationRange range = p99.range(grown, 8);
        double w = grown.binWidth();
        assertEquals(Samples.exactPercentile(all, 99), range.max(), w);
        assertEquals(Samples.exactPercentile(all, 1), range.min(), w);
    }

    @Test
    void percentileStaysAccurateAfterAHundredfoldGrowth() {
        float[] first = Samples.normal(6, 500_000);
        float[] later = Samples.normal(7, 500_000);
        for (int i = 0; i < later.length; i++) {
            later[i] *= 100;
        }
        TensorStatistics stats = Samples.statsOf(first, later);
        float[] all = Samples.concat(first, later);
        ActivationRange range = new PercentileObserver(99.9).range(stats, 8);
        assertEquals(Samples.exactPercentile(all, 99.9), range.max(), stats.binWidth());
        assertEquals(Samples.exactPercentile(all, 0.1), range.min(), stats.binWidth());
    }

    @Test
    void mergeEqualsAcceptingEverythingInOne() {
        float[] a = Samples.uniform(8, 100_000, -0.5, 0.5);
        float[] b = Samples.laplace(9, 100_000);
        TensorStatistics left = Samples.statsOf(a);
        TensorStatistics right = Samples.statsOf(b, new float[] {Float.NaN, 0f});
        left.merge(right);
        TensorStatistics whole = Samples.statsOf(a, b, new float[] {Float.NaN, 0f});
        assertArrayEquals(whole.positiveBins(), left.positiveBins());
        assertArrayEquals(whole.negativeBins(), left.negativeBins());
        assertEquals(whole.count(), left.count());
        assertEquals(whole.min(), left.min());
        assertEquals(whole.max(), left.max());
        assertEquals(1, left.nanCount());
        assertEquals(whole.zeroCount(), left.zeroCount());

        // Merging the wider one into the narrower direction works too.
        TensorStatistics reversed = Samples.statsOf(b, new float[] {Float.NaN, 0f});
        reversed.merge(Samples.statsOf(a));
        assertArrayEquals(whole.positiveBins(), reversed.positiveBins());
    }

    @Test
    void nanAndInfinityAreCountedAndIgnored() {
        TensorStatistics stats = Samples.statsOf(new float[] {1f, Float.NaN, -2f, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NaN, 0.5f});
        assertEquals(3, stats.count());
        assertEquals(2, stats.nanCount());
        assertEquals(2, stats.infinityCount());
        assertEquals(-2.0, stats.min());
        assertEquals(1.0, stats.max());
        assertEquals(4.0, stats.histogramRange());
        assertEquals(3, total(stats));
        for (var method : dev.bitplan.contracts.plan.CalibrationMethod.values()) {
            ActivationRange r = RangeCalibrator.range(stats, method, 8, 99.99);
            assertTrue(Double.isFinite(r.min()) && Double.isFinite(r.max()), method.name());
        }
    }

    @Test
    void allZeroAndEmptyTensorsGiveTheZeroRange() {
        TensorStatistics zeros = Samples.statsOf(new float[1000], new float[] {-0f});
        assertEquals(1001, zeros.zeroCount());
        assertEquals(0.0, zeros.histogramRange());
        TensorStatistics nothing = Samples.statsOf(new float[] {Float.NaN});
        assertTrue(nothing.isEmpty());
        assertThrows(IllegalStateException.class, nothing::min);
        for (var method : dev.bitplan.contracts.plan.CalibrationMethod.values()) {
            assertEquals(ActivationRange.ZERO, RangeCalibrator.range(zeros, method, 8, 99.99), method.name());
            assertEquals(ActivationRange.ZERO, RangeCalibrator.range(nothing, method, 4, 99.99), method.name());
        }
        // Zeros seen before any other value stay in bin 0 once the range is set.
        zeros.accept(new float[] {3f, -3f});
        assertEquals(4.0, zeros.histogramRange());
        assertEquals(1001, zeros.positiveBins()[0]);
        assertEquals(1, zeros.positiveBins()[1536]); // 3 / (4 / 2048)
        assertEquals(1, zeros.negativeBins()[1536]);
        assertEquals(1003, total(zeros));
        assertFalse(zeros.isEmpty());
    }

    @Test
    void offsetAndLengthSelectASlice() {
        TensorStatistics stats = new TensorStatistics();
        stats.accept(new float[] {100f, 1f, 2f, -3f, -100f}, 1, 3);
        assertEquals(3, stats.count());
        assertEquals(-3.0, stats.min());
        assertEquals(2.0, stats.max());
        assertThrows(IndexOutOfBoundsException.class, () -> stats.accept(new float[2], 1, 2));
    }

    @Test
    void histogramHasAFixedSmallSize() {
        // Two long[2048] sides (32 KiB): tens to hundreds of tensors fit in a few megabytes.
        assertEquals(2048, new TensorStatistics().positiveBins().length);
        assertEquals(2048, new TensorStatistics().negativeBins().length);
    }

    @Test
    void survivesExtremeMagnitudes() {
        TensorStatistics stats = Samples.statsOf(new float[] {1e-30f, -Float.MIN_VALUE},
                new float[] {Float.MAX_VALUE, -Float.MAX_VALUE});
        assertEquals(4, stats.count());
        assertEquals(4, total(stats));
        assertEquals(Math.scalb(1.0, 128), stats.histogramRange());
        assertEquals(-Float.MAX_VALUE, stats.min());
        assertEquals(2, stats.positiveBins()[0] + stats.negativeBins()[0]); // the tiny ones collapse into bin 0
    }

    static long total(TensorStatistics stats) {
        return Arrays.stream(stats.positiveBins()).sum() + Arrays.stream(stats.negativeBins()).sum();
    }
}
