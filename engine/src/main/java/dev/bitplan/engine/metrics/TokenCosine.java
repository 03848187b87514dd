package dev.bitplan.engine.metrics;

import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;

/**
 * Cosine similarities of a token model's outputs to FP32's over real tokens only: outputs are [samples, tokens,
 * hidden] in C order, and positions whose {@link TokenMask} is 0 are never read, so a padded and an unpadded copy of
 * the same sentences score the same.
 */
public final class TokenCosine {

    private TokenCosine() {
    }

    /**
     * Each sample's output mean-pooled over its real tokens, cosine against the reference pooled alike, averaged over
     * samples (those with no real token are skipped).
     */
    public static double sentence(float[] outputs, float[] reference, TokenMask mask) {
        int hidden = hidden(outputs, mask);
        double sum = 0;
        int counted = 0;
        double[] a = new double[hidden];
        double[] b = new double[hidden];
        for (int i = 0; i < mask.samples(); i++) {
            if (mask.realCount(i) == 0) {
                continue;
            }
            java.util.Arrays.fill(a, 0);
            java.util.Arrays.fill(b, 0);
            for (int t = 0; t < mask.tokens(); t++) {
                if (mask.real(i, t)) {
                    int from = (i * mask.tokens() + t) * hidden;
                    for (int h = 0; h < hidden; h++) {
                        a[h] += outputs[from + h];
                        b[h] += reference[from + h];
                    }
                }
            }
            sum += cosine(a, b); // the mean's 1/count cancels in a cosine
            counted++;
        }
        return counted == 0 ? 1.0 : sum / counted;
    }

    /** Cosine of each real token's output vector to the reference's, averaged over every real token of every sample. */
    public static double token(float[] outputs, float[] reference, TokenMask mask) {
        int hidden = hidden(outputs, mask);
        double sum = 0;
        long counted = 0;
        for (int i = 0; i < mask.samples(); i++) {
            for (int t = 0; t < mask.tokens(); t++) {
                if (mask.real(i, t)) {
                    sum += MetricCalculator.cosine(outputs, reference, (i * mask.tokens() + t) * hidden, hidden);
                    counted++;
                }
            }
        }
        return counted == 0 ? 1.0 : sum / counted;
    }

    private static int hidden(float[] outputs, TokenMask mask) {
        long positions = (long) mask.samples() * mask.tokens();
        if (positions == 0 || outputs.length % positions != 0) {
            throw new InvalidInputException(Problem.BAD_REQUEST, "a per-token metric needs an output of [samples, tokens, hidden] "
                    + "with as many tokens as the attention_mask (" + mask.tokens() + "); the output has " + outputs.length
                    + " values for " + mask.samples() + " samples; use metric cosine for this output");
        }
        return (int) (outputs.length / positions);
    }

    private static double cosine(double[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int h = 0; h < a.length; h++) {
            dot += a[h] * b[h];
            na += a[h] * a[h];
            nb += b[h] * b[h];
        }
        if (na == 0 && nb == 0) {
            return 1.0;
        }
        return na == 0 || nb == 0 ? 0.0 : dot / Math.sqrt(na * nb);
    }
}
