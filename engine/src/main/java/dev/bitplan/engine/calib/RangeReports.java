package dev.bitplan.engine.calib;

import dev.bitplan.contracts.plan.CalibrationMethod;
import dev.bitplan.contracts.search.TensorRangeReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calibration statistics of one tensor as a report: a coarse histogram over its observed range, and for every
 * calibration method the 8-bit range it would choose and the share of values that range clips. Read from the
 * histogram the calibration pass keeps ({@link TensorStatistics}), so it costs no pass over the data.
 */
public final class RangeReports {

    /** Bins of the reported histogram: enough to see a long tail, few enough for a report of hundreds of layers. */
    public static final int BINS = 64;

    private RangeReports() {
    }

    public static TensorRangeReport of(String tensor, TensorStatistics stats, double percentile) {
        double lo = stats.isEmpty() ? 0 : stats.min();
        double hi = stats.isEmpty() ? 0 : stats.max();
        Map<String, TensorRangeReport.Clip> clipping = new LinkedHashMap<>();
        for (CalibrationMethod m : CalibrationMethod.values()) {
            ActivationRange r = RangeCalibrator.range(stats, m, 8, percentile);
            clipping.put(m.name(), new TensorRangeReport.Clip(r.min(), r.max(), clippedShare(stats, r)));
        }
        return new TensorRangeReport(tensor, stats.count(), lo, hi, histogram(stats, lo, hi), clipping);
    }

    /** The fine signed histogram rebinned into {@link #BINS} equal bins over [lo, hi] (each fine bin by its centre). */
    static List<Long> histogram(TensorStatistics stats, double lo, double hi) {
        long[] out = new long[BINS];
        double w = stats.binWidth();
        if (w > 0 && hi > lo) {
            long[] pos = stats.positiveCounts();
            long[] neg = stats.negativeCounts();
            for (int i = 0; i < TensorStatistics.BINS_PER_SIDE; i++) {
                add(out, pos[i], (i + 0.5) * w, lo, hi);
                add(out, neg[i], -(i + 0.5) * w, lo, hi);
            }
        } else {
            out[0] = stats.count();
        }
        List<Long> list = new ArrayList<>(BINS);
        for (long c : out) {
            list.add(c);
        }
        return list;
    }

    private static void add(long[] out, long count, double centre, double lo, double hi) {
        if (count > 0) {
            int bin = (int) Math.floor((centre - lo) / (hi - lo) * BINS);
            out[Math.max(0, Math.min(BINS - 1, bin))] += count;
        }
    }

    /** The share of values outside the range, counted on whole fine bins beyond it (a bin at or across a bound counts as inside). */
    static double clippedShare(TensorStatistics stats, ActivationRange range) {
        if (stats.count() == 0 || stats.binWidth() == 0) {
            return 0;
        }
        double w = stats.binWidth();
        long[] pos = stats.positiveCounts();
        long[] neg = stats.negativeCounts();
        long clipped = 0;
        for (int i = 0; i < TensorStatistics.BINS_PER_SIDE; i++) {
            if (i * w > range.max() && i > 0) {
                clipped += pos[i];
            }
            if (-i * w < range.min() && i > 0) {
                clipped += neg[i];
            }
        }
        return (double) clipped / stats.count();
    }
}
