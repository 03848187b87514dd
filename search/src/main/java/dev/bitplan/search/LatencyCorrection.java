package dev.bitplan.search;

import dev.bitplan.contracts.search.Candidate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How far the latency table's additive estimate is from the measured latency of a search's candidates, and a
 * correction fitted to them: {@code measured ~ intercept + slope * estimate}, least squares over the measured
 * candidates. The additive estimate is biased in a way one line can take out: every one-layer model pays its own
 * input Q/DQ and session overhead, which chained quantized layers share, so the estimate runs high by an amount that
 * grows with the layers it sums.
 * <p>
 * The error after correction is judged out of sample: each candidate's latency is predicted by the line fitted to
 * the others (leave one out), so a line through few points cannot look better than it is.
 *
 * @param intercept   ms
 * @param slope       measured ms per estimated ms
 * @param errorBefore median |estimate - measured| / measured over the measured candidates
 * @param errorAfter  the same for the corrected estimate, leave one out; NaN with fewer than 3 candidates
 * @param candidates  how many measured candidates the figures come from
 */
public record LatencyCorrection(double intercept, double slope, double errorBefore, double errorAfter, int candidates) {

    /** Fitted to the candidates with a measured latency. */
    public static LatencyCorrection fit(List<Candidate> all) {
        List<double[]> points = new ArrayList<>(); // {estimate, measured}
        for (Candidate c : all) {
            if (c.latencyMs() != null && c.latencyMs() > 0) {
                points.add(new double[] {c.estimatedLatencyMs(), c.latencyMs()});
            }
        }
        int n = points.size();
        if (n == 0) {
            return new LatencyCorrection(0, 1, Double.NaN, Double.NaN, 0);
        }
        double[] before = new double[n];
        double[] after = new double[n];
        for (int i = 0; i < n; i++) {
            double[] p = points.get(i);
            before[i] = Math.abs(p[0] - p[1]) / p[1];
            if (n >= 3) {
                double[] line = line(points, i);
                after[i] = Math.abs(line[0] + line[1] * p[0] - p[1]) / p[1];
            }
        }
        double[] line = line(points, -1);
        return new LatencyCorrection(line[0], line[1], median(before), n >= 3 ? median(after) : Double.NaN, n);
    }

    /** The corrected estimate for a plan whose additive estimate is this. */
    public double correct(double estimateMs) {
        return intercept + slope * estimateMs;
    }

    /** One line for the report's notes. */
    public String describe() {
        if (candidates == 0) {
            return "latency estimate: no candidate was measured";
        }
        return String.format(Locale.ROOT, "latency estimate against the measured deployed latency over %d candidates: median error "
                        + "%.0f%% as planned (additive table), %s after correction (measured ~ %.3f ms + %.3f x estimate, each candidate "
                        + "predicted from the others); budgets judge the measured latency", candidates, 100 * errorBefore,
                Double.isNaN(errorAfter) ? "not judged (fewer than 3 candidates)" : String.format(Locale.ROOT, "%.0f%%", 100 * errorAfter),
                intercept, slope);
    }

    /** Least squares {intercept, slope} over the points, without point {@code skip} (-1: all); slope 1 through the mean if flat. */
    private static double[] line(List<double[]> points, int skip) {
        double sx = 0;
        double sy = 0;
        int m = 0;
        for (int i = 0; i < points.size(); i++) {
            if (i != skip) {
                sx += points.get(i)[0];
                sy += points.get(i)[1];
                m++;
            }
        }
        double mx = sx / m;
        double my = sy / m;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < points.size(); i++) {
            if (i != skip) {
                double dx = points.get(i)[0] - mx;
                sxx += dx * dx;
                sxy += dx * (points.get(i)[1] - my);
            }
        }
        if (sxx < 1e-18) {
            return new double[] {my - mx, 1}; // estimates all alike: only the offset can be learned
        }
        double slope = sxy / sxx;
        return new double[] {my - slope * mx, slope};
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
