package dev.bitplan.engine.metrics;

import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;

/**
 * Scores model outputs (one row of {@code width} values per sample, the model's first output) against
 * labels or against the FP32 reference outputs of the same samples.
 */
public final class MetricCalculator {

    /** SQNR of identical outputs is infinite; reported as this many dB (and its negative as the floor) so JSON stays finite. */
    public static final double MAX_SQNR_DB = 200.0;

    private MetricCalculator() {
    }

    /**
     * @param outputs    candidate outputs, samples x width, C order
     * @param reference  FP32 outputs of the same samples (same layout)
     * @param labels     labels of the same samples, or null
     */
    public static double score(Metric metric, float[] outputs, float[] reference, long[] labels, int width) {
        return score(metric, outputs, reference, labels, width, null);
    }

    /** @param mask  the samples' real tokens; needed by the per-token metrics ({@link Metric#perToken()}), else unused */
    public static double score(Metric metric, float[] outputs, float[] reference, long[] labels, int width, TokenMask mask) {
        int n = outputs.length / width;
        return switch (metric) {
            case ACCURACY -> {
                if (labels == null) {
                    throw new InvalidInputException(Problem.BAD_REQUEST,
                            "metric accuracy needs a 'labels' array in the dataset; use agreement to compare with the FP32 model instead");
                }
                int hit = 0;
                for (int i = 0; i < n; i++) {
                    hit += argmax(outputs, i * width, width) == labels[i] ? 1 : 0;
                }
                yield (double) hit / n;
            }
            case AGREEMENT -> {
                int same = 0;
                for (int i = 0; i < n; i++) {
                    same += argmax(outputs, i * width, width) == argmax(reference, i * width, width) ? 1 : 0;
                }
                yield (double) same / n;
            }
            case COSINE -> {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += cosine(outputs, reference, i * width, width);
                }
                yield sum / n;
            }
            case SENTENCE_COSINE -> TokenCosine.sentence(outputs, reference, requireMask(metric, mask));
            case TOKEN_COSINE -> TokenCosine.token(outputs, reference, requireMask(metric, mask));
            case SQNR -> sqnr(outputs, reference);
        };
    }

    static TokenMask requireMask(Metric metric, TokenMask mask) {
        if (mask == null) {
            throw new InvalidInputException(Problem.BAD_REQUEST, "metric " + metric.id() + " needs a token model: an '"
                    + TokenMask.INPUT + "' input marking the real tokens of each sample; use cosine for this model");
        }
        return mask;
    }

    public static int argmax(float[] v, int from, int width) {
        int best = 0;
        for (int j = 1; j < width; j++) {
            if (v[from + j] > v[from + best]) {
                best = j;
            }
        }
        return best;
    }

    static double cosine(float[] a, float[] b, int from, int width) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int j = from; j < from + width; j++) {
            dot += (double) a[j] * b[j];
            na += (double) a[j] * a[j];
            nb += (double) b[j] * b[j];
        }
        if (na == 0 && nb == 0) {
            return 1.0;
        }
        return na == 0 || nb == 0 ? 0.0 : dot / Math.sqrt(na * nb);
    }

    static double sqnr(float[] outputs, float[] reference) {
        double[] sn = signalAndNoise(outputs, reference);
        if (sn[1] == 0) {
            return MAX_SQNR_DB;
        }
        // an all-zero reference with any noise would be -infinity: floor it, symmetric to the cap
        return Math.max(-MAX_SQNR_DB, Math.min(MAX_SQNR_DB, 10 * Math.log10(sn[0] / sn[1])));
    }

    /** {sum of ref^2, sum of (ref - out)^2}, in double. */
    static double[] signalAndNoise(float[] outputs, float[] reference) {
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < outputs.length; i++) {
            signal += (double) reference[i] * reference[i];
            double d = (double) reference[i] - outputs[i];
            noise += d * d;
        }
        return new double[] {signal, noise};
    }
}
