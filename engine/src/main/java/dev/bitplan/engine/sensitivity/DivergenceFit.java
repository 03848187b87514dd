package dev.bitplan.engine.sensitivity;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Predicts the whole-model divergence of a layer's other options from the one measured on the model, by their local
 * output errors ({@link LocalErrorProbe}): {@code d(o) = d(measured) * (e(o) / e(measured))^exponent}. Within one layer
 * an error takes the same path to the output whatever option made it, so only its size differs; how divergence grows
 * with that size depends on the metric (KL of softmax outputs with the square of a small logit error, 1 - cosine with
 * the error itself), hence an exponent fitted, by least squares through the origin in log space, on the layers whose
 * every option was measured. With nothing to fit the exponent is 1.
 */
public record DivergenceFit(double exponent, int points) {

    /** Slopes are held to this range: beyond it a handful of points is fitting noise. */
    private static final double MIN_EXPONENT = 0.25;
    private static final double MAX_EXPONENT = 4;

    /**
     * Fits {@code (error ratio, divergence ratio)} pairs, each an option over its layer's reference option; pairs
     * where either ratio is not positive and finite, or the error ratio is 1 (the reference itself), are left out.
     */
    public static DivergenceFit of(List<double[]> ratios) {
        double sxx = 0;
        double sxy = 0;
        int n = 0;
        for (double[] r : ratios) {
            if (r[0] > 0 && r[1] > 0 && Double.isFinite(r[0]) && Double.isFinite(r[1]) && r[0] != 1) {
                double x = Math.log(r[0]);
                sxx += x * x;
                sxy += x * Math.log(r[1]);
                n++;
            }
        }
        if (n == 0 || sxx < 1e-12) {
            return new DivergenceFit(1, n);
        }
        return new DivergenceFit(Math.max(MIN_EXPONENT, Math.min(MAX_EXPONENT, sxy / sxx)), n);
    }

    /** The divergence of an option with local error {@code error}, given the reference option's measured divergence and error. */
    public double predict(double referenceDivergence, double referenceError, double error) {
        if (referenceDivergence <= 0 || error <= 0 || referenceError <= 0) {
            return 0;
        }
        return referenceDivergence * Math.pow(error / referenceError, exponent);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "divergence ratio = error ratio^%.2f (%d points)", exponent, points);
    }

    /** Spearman rank correlation of two equally long series (ties get their mean rank), for reports and benchmarks. */
    public static double rankCorrelation(double[] a, double[] b) {
        double[] ra = ranks(a);
        double[] rb = ranks(b);
        double ma = Arrays.stream(ra).average().orElse(0);
        double mb = Arrays.stream(rb).average().orElse(0);
        double num = 0;
        double da = 0;
        double db = 0;
        for (int i = 0; i < ra.length; i++) {
            num += (ra[i] - ma) * (rb[i] - mb);
            da += (ra[i] - ma) * (ra[i] - ma);
            db += (rb[i] - mb) * (rb[i] - mb);
        }
        return da == 0 || db == 0 ? 0 : num / Math.sqrt(da * db);
    }

    private static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(v[x], v[y]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                r[order[k]] = (i + j) / 2.0;
            }
            i = j + 1;
        }
        return r;
    }
}
