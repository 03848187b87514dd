package dev.bitplan.engine.metrics;

import dev.bitplan.contracts.plan.Metric;

/**
 * A smooth measure of how far quantized outputs are from FP32, for sensitivity: unlike top-1 metrics
 * it does not move in steps of one sample. Classifiers (accuracy, agreement): mean KL(softmax(ref) ||
 * softmax(out)); cosine, sentence-cosine, token-cosine: 1 - the metric; sqnr: squared error relative to the reference's energy.
 */
public final class Divergence {

    private Divergence() {
    }

    public static double of(Metric metric, float[] outputs, float[] reference, int width) {
        return of(metric, outputs, reference, width, null);
    }

    /** @param mask  the samples' real tokens, for the per-token metrics (1 - their cosine); else unused */
    public static double of(Metric metric, float[] outputs, float[] reference, int width, TokenMask mask) {
        int n = outputs.length / width;
        return switch (metric) {
            case ACCURACY, AGREEMENT -> {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += klSoftmax(reference, outputs, i * width, width);
                }
                yield sum / n;
            }
            case COSINE -> {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += 1 - MetricCalculator.cosine(outputs, reference, i * width, width);
                }
                yield sum / n;
            }
            case SENTENCE_COSINE -> 1 - TokenCosine.sentence(outputs, reference, MetricCalculator.requireMask(metric, mask));
            case TOKEN_COSINE -> 1 - TokenCosine.token(outputs, reference, MetricCalculator.requireMask(metric, mask));
            case SQNR -> {
                double[] sn = MetricCalculator.signalAndNoise(outputs, reference);
                yield sn[0] == 0 ? sn[1] : sn[1] / sn[0];
            }
        };
    }

    /** KL(softmax(p) || softmax(q)) of one row, computed with log-sum-exp for stability. */
    static double klSoftmax(float[] p, float[] q, int from, int width) {
        double lp = logSumExp(p, from, width);
        double lq = logSumExp(q, from, width);
        double kl = 0;
        for (int j = from; j < from + width; j++) {
            double logP = p[j] - lp;
            double logQ = q[j] - lq;
            kl += Math.exp(logP) * (logP - logQ);
        }
        return Math.max(0, kl);
    }

    private static double logSumExp(float[] v, int from, int width) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = from; j < from + width; j++) {
            max = Math.max(max, v[j]);
        }
        double sum = 0;
        for (int j = from; j < from + width; j++) {
            sum += Math.exp(v[j] - max);
        }
        return max + Math.log(sum);
    }
}
