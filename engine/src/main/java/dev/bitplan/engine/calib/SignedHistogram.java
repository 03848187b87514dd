package dev.bitplan.engine.calib;

/**
 * The two sides of a {@link TensorStatistics} histogram laid out as one axis of equal bins over [-R, R),
 * lowest values first, for observers that walk values in order.
 */
final class SignedHistogram {

    private final long[] positive;
    private final long[] negative;
    private final double width;

    SignedHistogram(TensorStatistics stats) {
        this.positive = stats.positiveCounts();
        this.negative = stats.negativeCounts();
        this.width = stats.binWidth();
    }

    int size() {
        return 2 * TensorStatistics.BINS_PER_SIDE;
    }

    /** The index of the bin that holds 0 (positive bin 0). */
    int zeroBin() {
        return TensorStatistics.BINS_PER_SIDE;
    }

    long count(int bin) {
        int half = TensorStatistics.BINS_PER_SIDE;
        return bin >= half ? positive[bin - half] : negative[half - 1 - bin];
    }

    double lowerEdge(int bin) {
        return (bin - TensorStatistics.BINS_PER_SIDE) * width;
    }

    double center(int bin) {
        return lowerEdge(bin) + width / 2;
    }

    double width() {
        return width;
    }

    /**
     * The value below which {@code fraction} of {@code total} values lie, interpolating linearly inside the bin
     * where the cumulative count crosses it (values are assumed spread evenly within a bin).
     */
    double quantile(double fraction, long total) {
        double target = fraction * total;
        long before = 0;
        int lastNonEmpty = -1;
        for (int bin = 0; bin < size(); bin++) {
            long c = count(bin);
            if (c == 0) {
                continue;
            }
            if (before + c >= target) {
                return lowerEdge(bin) + (target - before) / c * width;
            }
            before += c;
            lastNonEmpty = bin;
        }
        return lastNonEmpty < 0 ? 0 : lowerEdge(lastNonEmpty) + width;
    }
}
