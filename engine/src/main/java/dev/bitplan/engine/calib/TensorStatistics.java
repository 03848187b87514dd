package dev.bitplan.engine.calib;

import java.util.Arrays;
import java.util.Objects;

/**
 * What one calibration pass learns about one tensor: exact min, max and counts, plus a histogram fine enough
 * for every {@link RangeObserver}, so ranges for any method and bit width come without a second pass.
 *
 * <p>The histogram is two-sided and anchored at 0: {@value #BINS_PER_SIDE} bins of width {@code R / BINS_PER_SIDE}
 * cover magnitudes [0, R) on each side, where bin {@code i} holds the values whose magnitude lies in
 * [i·w, (i+1)·w). Exact zeros go to positive bin 0 (and are also counted apart). R is always a power of two
 * strictly above every magnitude seen; when a batch exceeds it, R doubles and adjacent bin pairs are merged,
 * which is exact because every bin edge is a multiple of the new width. Two statistics fed the same values
 * therefore hold identical bins, whatever the batch order or split.
 *
 * <p>NaN and infinite values are counted and otherwise ignored. Memory is two {@code long[2048]}, 32 KiB.
 * Not thread-safe: give each thread its own instance and {@link #merge} them.
 */
public final class TensorStatistics {

    /** Bins on each side of zero. */
    public static final int BINS_PER_SIDE = 2048;

    private final long[] positive = new long[BINS_PER_SIDE];
    private final long[] negative = new long[BINS_PER_SIDE];
    /** R, a power of two; 0 until a nonzero finite value has been seen. */
    private double histogramRange;
    private long count;
    private long zeroCount;
    private long nanCount;
    private long infinityCount;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    /** Adds one batch of values. */
    public void accept(float[] values) {
        accept(values, 0, values.length);
    }

    /** Adds {@code values[offset .. offset + length)}. */
    public void accept(float[] values, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, values.length);
        int end = offset + length;
        // First pass: the batch's largest magnitude, so the histogram grows once before binning.
        double batchMaxAbs = 0;
        for (int i = offset; i < end; i++) {
            float v = values[i];
            if (Float.isFinite(v)) {
                batchMaxAbs = Math.max(batchMaxAbs, Math.abs(v));
            }
        }
        coverMagnitude(batchMaxAbs);
        // BINS_PER_SIDE / R is a power of two, so |v| * perUnit is exact and |v| < R gives an index < BINS_PER_SIDE.
        double perUnit = histogramRange == 0 ? 0 : BINS_PER_SIDE / histogramRange;
        for (int i = offset; i < end; i++) {
            float v = values[i];
            if (Float.isNaN(v)) {
                nanCount++;
            } else if (Float.isInfinite(v)) {
                infinityCount++;
            } else if (v == 0) {
                zeroCount++;
                positive[0]++;
                record(0);
            } else if (v > 0) {
                positive[(int) (v * perUnit)]++;
                record(v);
            } else {
                negative[(int) (-v * perUnit)]++;
                record(v);
            }
        }
    }

    /** Folds {@code other}'s values into this one, as if they had been accepted here. */
    public void merge(TensorStatistics other) {
        if (other == this) {
            throw new IllegalArgumentException("cannot merge statistics into themselves");
        }
        coverRange(other.histogramRange);
        int doublings = doublingsBetween(other.histogramRange, histogramRange);
        addInto(positive, other.positive, doublings);
        addInto(negative, other.negative, doublings);
        count += other.count;
        zeroCount += other.zeroCount;
        nanCount += other.nanCount;
        infinityCount += other.infinityCount;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    /** An independent copy of these statistics. */
    public TensorStatistics copy() {
        TensorStatistics copy = new TensorStatistics();
        copy.merge(this);
        return copy;
    }

    /** How many finite values were seen (NaN and infinities excluded). */
    public long count() {
        return count;
    }

    /** How many of the finite values were exactly zero (either sign). */
    public long zeroCount() {
        return zeroCount;
    }

    public long nanCount() {
        return nanCount;
    }

    /** How many +Inf and -Inf values were seen (and ignored). */
    public long infinityCount() {
        return infinityCount;
    }

    /** True when no finite value has been seen. */
    public boolean isEmpty() {
        return count == 0;
    }

    /** The smallest finite value seen; throws when {@link #isEmpty()}. */
    public double min() {
        requireValues();
        return min;
    }

    /** The largest finite value seen; throws when {@link #isEmpty()}. */
    public double max() {
        requireValues();
        return max;
    }

    /** [min, max] widened to include 0, or {@link ActivationRange#ZERO} when nothing finite was seen. */
    public ActivationRange observedRange() {
        return isEmpty() ? ActivationRange.ZERO : new ActivationRange(min, max).includingZero();
    }

    /** R: both sides of the histogram cover magnitudes [0, R); 0 while only zeros were seen. */
    public double histogramRange() {
        return histogramRange;
    }

    /** The width of every bin, R / {@value #BINS_PER_SIDE}. */
    public double binWidth() {
        return histogramRange / BINS_PER_SIDE;
    }

    /** A copy of the positive-side counts; bin i holds values in [i·w, (i+1)·w), exact zeros included in bin 0. */
    public long[] positiveBins() {
        return positive.clone();
    }

    /** A copy of the negative-side counts; bin i holds values in (-(i+1)·w, -i·w]. */
    public long[] negativeBins() {
        return negative.clone();
    }

    /** The live positive counts, for observers in this package that promise not to write them. */
    long[] positiveCounts() {
        return positive;
    }

    /** The live negative counts, for observers in this package that promise not to write them. */
    long[] negativeCounts() {
        return negative;
    }

    @Override
    public String toString() {
        return "TensorStatistics[count=" + count + ", min=" + (isEmpty() ? "n/a" : min) + ", max="
                + (isEmpty() ? "n/a" : max) + ", zeros=" + zeroCount + ", nan=" + nanCount + ", inf="
                + infinityCount + ", R=" + histogramRange + "]";
    }

    private void record(float v) {
        min = Math.min(min, v);
        max = Math.max(max, v);
        count++;
    }

    private void requireValues() {
        if (isEmpty()) {
            throw new IllegalStateException("no finite value has been seen");
        }
    }

    /** Grows R until it is strictly above {@code magnitude}. */
    private void coverMagnitude(double magnitude) {
        if (magnitude > 0 && magnitude >= histogramRange) {
            // The smallest power of two strictly above the magnitude (every float is a normal double).
            coverRange(Math.scalb(1.0, Math.getExponent(magnitude) + 1));
        }
    }

    /** Grows R to {@code range}, a power of two (or 0, which changes nothing). */
    private void coverRange(double range) {
        if (range <= histogramRange) {
            return;
        }
        if (histogramRange > 0) {
            int doublings = doublingsBetween(histogramRange, range);
            long[] merged = new long[BINS_PER_SIDE];
            addInto(merged, positive, doublings);
            System.arraycopy(merged, 0, positive, 0, BINS_PER_SIDE);
            Arrays.fill(merged, 0);
            addInto(merged, negative, doublings);
            System.arraycopy(merged, 0, negative, 0, BINS_PER_SIDE);
        }
        // With R still 0 every recorded value was a zero, already in positive[0], which stays bin 0 at any R.
        histogramRange = range;
    }

    /** How many times {@code from} doubles to reach {@code to} (both powers of two); 0 when {@code from} is 0. */
    private static int doublingsBetween(double from, double to) {
        return from == 0 ? 0 : Math.getExponent(to) - Math.getExponent(from);
    }

    /** Adds {@code source}, re-binned to 2^doublings times wider bins, into {@code target}. */
    private static void addInto(long[] target, long[] source, int doublings) {
        // Beyond log2(BINS_PER_SIDE) doublings every old bin lands in new bin 0; capping the shift avoids overflow.
        int shift = Math.min(doublings, 31);
        for (int i = 0; i < source.length; i++) {
            if (source[i] != 0) {
                target[i >>> shift] += source[i];
            }
        }
    }
}
