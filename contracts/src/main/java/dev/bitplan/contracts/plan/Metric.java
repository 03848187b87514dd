package dev.bitplan.contracts.plan;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a candidate is scored by; every metric is "higher is better". */
public enum Metric {
    /** Top-1 against the dataset's labels. */
    ACCURACY,
    /** Top-1 against the FP32 model's top-1; needs no labels. */
    AGREEMENT,
    /** Mean cosine similarity of each sample's whole output to the FP32 output, every position counted. */
    COSINE,
    /**
     * For a token model (an {@code attention_mask} input, a float output [batch, tokens, hidden]): each sample's output
     * mean-pooled over its real tokens (mask 1), cosine against the FP32 embedding pooled alike, averaged over samples.
     * Padding never counts. The default for such models.
     */
    SENTENCE_COSINE,
    /** For a token model: cosine of each real token's output vector to FP32's, averaged over all real tokens. */
    TOKEN_COSINE,
    /** Signal-to-quantization-noise ratio of the outputs against FP32, in dB. */
    SQNR;

    /** Lower-case name as used in JSON and on the command line: {@code accuracy}, ..., {@code sentence-cosine}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the metric pools or compares per token and so needs the samples' {@code attention_mask}. */
    public boolean perToken() {
        return this == SENTENCE_COSINE || this == TOKEN_COSINE;
    }

    /** Whether it reads outputs as class scores (top-1): sensitivity then measures the KL of softmax outputs. */
    public boolean classifier() {
        return this == ACCURACY || this == AGREEMENT;
    }

    public static Metric parse(String s) {
        String wanted = s.trim().replace('_', '-');
        for (Metric m : values()) {
            if (m.id().equalsIgnoreCase(wanted)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown metric '" + s + "'; use "
                + Arrays.stream(values()).map(Metric::id).collect(Collectors.joining(", ")));
    }
}
