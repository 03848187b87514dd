package dev.bitplan.engine.calib;

/**
 * {@code MSE}: the range that minimises the expected squared quantize/dequantize error over the histogram.
 * Candidates are the observed [min, max] scaled by 1.00, 0.99, ... 0.01. Each bin's values are taken at the
 * bin center: a value outside the representable range costs its squared clipping distance, one inside costs
 * the uniform rounding noise scale²/12, and an exact zero costs nothing (zero is always representable).
 */
public final class MseObserver implements RangeObserver {

    /** Number of shrink factors tried: alpha = k / STEPS for k = STEPS down to 1. */
    static final int STEPS = 100;

    @Override
    public ActivationRange range(TensorStatistics stats, int bits) {
        ActivationQuantParams.checkBits(bits);
        ActivationRange observed = stats.observedRange();
        if (stats.isEmpty() || observed.width() == 0) {
            return observed;
        }
        SignedHistogram histogram = new SignedHistogram(stats);
        ActivationRange best = observed;
        double bestError = Double.POSITIVE_INFINITY;
        // From widest to tightest with a strict comparison: on a tie the wider range (less clipping) wins.
        for (int k = STEPS; k >= 1; k--) {
            ActivationRange candidate = observed.scaled((double) k / STEPS);
            double error = expectedError(histogram, stats, ActivationQuantParams.of(candidate, bits));
            if (error < bestError) {
                bestError = error;
                best = candidate;
            }
        }
        return best;
    }

    /** Mean squared error per value of quantizing the histogram's values with {@code params}. */
    static double expectedError(SignedHistogram histogram, TensorStatistics stats, ActivationQuantParams params) {
        ActivationRange representable = params.representableRange();
        double roundingNoise = (double) params.scale() * params.scale() / 12;
        double sum = 0;
        for (int bin = 0; bin < histogram.size(); bin++) {
            long c = histogram.count(bin) - (bin == histogram.zeroBin() ? stats.zeroCount() : 0);
            if (c == 0) {
                continue;
            }
            // The bin holding the max (or min) may have its center beyond it; no value lies there.
            double x = Math.max(stats.min(), Math.min(stats.max(), histogram.center(bin)));
            double clipped = Math.max(representable.min(), Math.min(representable.max(), x));
            double error = clipped != x ? (x - clipped) * (x - clipped) : roundingNoise;
            sum += c * error;
        }
        return sum / stats.count();
    }
}
