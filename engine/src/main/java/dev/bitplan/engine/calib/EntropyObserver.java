package dev.bitplan.engine.calib;

/**
 * {@code ENTROPY}: TensorRT's KL-divergence calibration ("8-bit Inference with TensorRT", Migacz 2017; ONNX
 * Runtime's {@code EntropyCalibrater}). For each candidate threshold it compares the reference distribution P
 * (histogram clipped at the threshold, clipped mass added to the last bin) with Q (the unclipped part merged
 * into as many bins as there are quantization levels, then spread back), and keeps the threshold with the
 * smallest KL(P || Q).
 *
 * <p>A non-negative tensor is searched on [0, T] with 2^bits - 1 levels; a signed one on the magnitude
 * histogram (both sides folded together) with 2^(bits-1) levels per side, giving [-T, T] intersected with the
 * observed range. Exact zeros are left out of the search, as pytorch-quantization does for ReLU outputs: zero is
 * always exactly representable, and a spike of zeros in bin 0 would otherwise dominate the divergence.
 *
 * <p>Resolution limit: the smallest candidate is {@code levels} bins, so the threshold cannot fall below
 * {@code levels × binWidth} (e.g. 255 × R/2048 at 8 bits unsigned); the histogram's R is set by the largest
 * magnitude, outliers included.
 */
public final class EntropyObserver implements RangeObserver {

    /** Mass given to empty bins so that the divergence stays finite, as in ONNX Runtime's smooth_distribution. */
    private static final double SMOOTHING = 1e-4;

    @Override
    public ActivationRange range(TensorStatistics stats, int bits) {
        ActivationQuantParams.checkBits(bits);
        if (stats.isEmpty() || stats.histogramRange() == 0) {
            return stats.observedRange();
        }
        boolean nonNegative = stats.min() >= 0;
        long[] histogram = nonNegative ? stats.positiveBins() : magnitudes(stats);
        histogram[0] -= stats.zeroCount();
        int levels = nonNegative ? ActivationQuantParams.qmax(bits) : 1 << (bits - 1);
        int threshold = bestThresholdBin(histogram, levels);
        double t = threshold * stats.binWidth();
        return stats.observedRange().intersect(new ActivationRange(nonNegative ? 0 : -t, t)).includingZero();
    }

    /** Positive and negative bins added together: bin i holds the values whose magnitude lies in [i·w, (i+1)·w). */
    private static long[] magnitudes(TensorStatistics stats) {
        long[] folded = stats.positiveBins();
        long[] negative = stats.negativeCounts();
        for (int i = 0; i < folded.length; i++) {
            folded[i] += negative[i];
        }
        return folded;
    }

    /** The number of bins i (threshold = i bin widths) with the smallest divergence; ties keep the smallest i. */
    static int bestThresholdBin(long[] histogram, int levels) {
        int used = histogram.length;
        while (used > 0 && histogram[used - 1] == 0) {
            used--;
        }
        if (used <= levels) {
            return used; // every bin already gets its own level: nothing to gain by clipping
        }
        long[] tail = new long[used + 1]; // tail[i] = mass in bins i.. (what clipping at i moves to the last bin)
        for (int i = used - 1; i >= 0; i--) {
            tail[i] = tail[i + 1] + histogram[i];
        }
        double[] p = new double[used];
        double[] q = new double[used];
        int best = used;
        double bestDivergence = Double.POSITIVE_INFINITY;
        for (int i = levels; i <= used; i++) {
            double divergence = divergence(histogram, i, levels, tail[i], p, q);
            if (divergence < bestDivergence) {
                bestDivergence = divergence;
                best = i;
            }
        }
        return best;
    }

    /** KL(P || Q) for a threshold of {@code i} bins; {@code p} and {@code q} are scratch arrays of length >= i. */
    private static double divergence(long[] histogram, int i, int levels, long outliers, double[] p, double[] q) {
        for (int j = 0; j < i; j++) {
            p[j] = histogram[j];
        }
        p[i - 1] += outliers;
        // Level k covers bins [k·i/levels, (k+1)·i/levels): an even split even when i is not a multiple of levels.
        for (int k = 0; k < levels; k++) {
            int start = (int) ((long) k * i / levels);
            int end = (int) ((long) (k + 1) * i / levels);
            double mass = 0;
            int nonEmpty = 0;
            for (int j = start; j < end; j++) {
                mass += histogram[j];
                nonEmpty += p[j] != 0 ? 1 : 0;
            }
            // Spread the level's mass evenly over the bins that hold data in P, keep empty bins empty.
            for (int j = start; j < end; j++) {
                q[j] = p[j] != 0 && nonEmpty > 0 ? mass / nonEmpty : 0;
            }
        }
        if (!smooth(p, i) || !smooth(q, i)) {
            return Double.POSITIVE_INFINITY;
        }
        return klDivergence(p, q, i);
    }

    /**
     * Gives every empty bin {@link #SMOOTHING} and takes the same total back from the others proportionally
     * (ONNX Runtime subtracts evenly, which can turn small fractional bins negative). False when all are empty.
     */
    private static boolean smooth(double[] h, int n) {
        double total = 0;
        int zeros = 0;
        for (int j = 0; j < n; j++) {
            total += h[j];
            zeros += h[j] == 0 ? 1 : 0;
        }
        double keep = (total - SMOOTHING * zeros) / total;
        if (zeros == n || !(keep > 0)) {
            return false;
        }
        for (int j = 0; j < n; j++) {
            h[j] = h[j] == 0 ? SMOOTHING : h[j] * keep;
        }
        return true;
    }

    /** KL divergence of the normalised distributions; both are strictly positive after smoothing. */
    private static double klDivergence(double[] p, double[] q, int n) {
        double pTotal = 0;
        double qTotal = 0;
        for (int j = 0; j < n; j++) {
            pTotal += p[j];
            qTotal += q[j];
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            double pj = p[j] / pTotal;
            sum += pj * Math.log(pj / (q[j] / qTotal));
        }
        return sum;
    }
}
