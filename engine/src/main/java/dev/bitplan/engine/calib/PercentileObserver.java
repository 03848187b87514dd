package dev.bitplan.engine.calib;

import dev.bitplan.engine.InvalidInputException;

/**
 * {@code PERCENTILE}: the (100 - p)-th and p-th percentiles of the values, read from the histogram, so that
 * rare outliers on either side do not stretch the range. A non-negative tensor keeps 0 as its lower bound.
 */
public final class PercentileObserver implements RangeObserver {

    private final double percentile;

    /** @param percentile p in (50, 100], e.g. 99.99; 100 gives the observed min and max */
    public PercentileObserver(double percentile) {
        if (!(percentile > 50 && percentile <= 100)) {
            throw new InvalidInputException(InvalidInputException.Problem.BAD_REQUEST,
                    "percentile must be in (50, 100], got " + percentile);
        }
        this.percentile = percentile;
    }

    public double percentile() {
        return percentile;
    }

    @Override
    public ActivationRange range(TensorStatistics stats, int bits) {
        ActivationQuantParams.checkBits(bits);
        if (stats.isEmpty()) {
            return ActivationRange.ZERO;
        }
        SignedHistogram histogram = new SignedHistogram(stats);
        double upperFraction = percentile / 100;
        double lower = histogram.quantile(1 - upperFraction, stats.count());
        double upper = histogram.quantile(upperFraction, stats.count());
        // Interpolation inside the first or last bin can overshoot the data; the exact extremes bound it.
        lower = clamp(lower, stats.min(), stats.max());
        upper = clamp(upper, lower, stats.max());
        return new ActivationRange(lower, upper).includingZero();
    }

    private static double clamp(double x, double lo, double hi) {
        return Math.max(lo, Math.min(hi, x));
    }
}
