package dev.bitplan.engine.calib;

import java.util.Arrays;
import java.util.Random;

/** Known distributions with fixed seeds, and exact reference computations over the raw samples. */
final class Samples {

    static final int N = 1_000_000;

    private Samples() {
    }

    static float[] uniform(long seed, int n, double lo, double hi) {
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
        return v;
    }

    static float[] normal(long seed, int n) {
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** max(0, N(0, 1)): half the values are exact zeros, like a ReLU output. */
    static float[] reluNormal(long seed, int n) {
        float[] v = normal(seed, n);
        for (int i = 0; i < n; i++) {
            v[i] = Math.max(0f, v[i]);
        }
        return v;
    }

    /** Laplace(0, 1) by inverse CDF. */
    static float[] laplace(long seed, int n) {
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble() - 0.5;
            v[i] = (float) (-Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
        }
        return v;
    }

    /** {@code values} with its first {@code outliers.length} entries replaced by the outliers. */
    static float[] withOutliers(float[] values, float... outliers) {
        float[] v = values.clone();
        System.arraycopy(outliers, 0, v, 0, outliers.length);
        return v;
    }

    static TensorStatistics statsOf(float[]... batches) {
        TensorStatistics stats = new TensorStatistics();
        for (float[] batch : batches) {
            stats.accept(batch);
        }
        return stats;
    }

    /** The exact p-th percentile (nearest rank) of the values. */
    static double exactPercentile(float[] values, double p) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }

    /** The measured mean squared quantize/dequantize error of the raw values at {@code range}. */
    static double measuredMse(float[] values, ActivationRange range, int bits) {
        ActivationQuantParams params = ActivationQuantParams.of(range, bits);
        double sum = 0;
        for (float x : values) {
            double e = x - params.fakeQuantize(x);
            sum += e * e;
        }
        return sum / values.length;
    }

    static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
