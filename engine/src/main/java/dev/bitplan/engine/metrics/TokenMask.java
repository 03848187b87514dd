package dev.bitplan.engine.metrics;

import dev.bitplan.engine.data.NdArray;

/**
 * Which token positions of each sample are real (their {@code attention_mask} is 1), in selection order: what
 * per-token metrics pool over and what sequence runs trim to, so that padding never counts.
 */
public final class TokenMask {

    /** The model input that marks real tokens, as Hugging Face exports name it. */
    public static final String INPUT = "attention_mask";

    private final int tokens;
    private final boolean[] real;
    private final int[] counts;
    private final boolean rightPadded;

    private TokenMask(int tokens, boolean[] real) {
        this.tokens = tokens;
        this.real = real;
        int samples = real.length / tokens;
        this.counts = new int[samples];
        boolean right = true;
        for (int i = 0; i < samples; i++) {
            boolean padding = false;
            for (int t = 0; t < tokens; t++) {
                if (real[i * tokens + t]) {
                    counts[i]++;
                    right &= !padding;
                } else {
                    padding = true;
                }
            }
        }
        this.rightPadded = right;
    }

    /**
     * @param mask     the dataset's {@code attention_mask}, [samples, tokens], non-zero for real tokens
     * @param indices  the selected samples, in order
     */
    public static TokenMask of(NdArray mask, int[] indices) {
        if (mask.rank() != 2) {
            throw new IllegalArgumentException("attention_mask must be [samples, tokens], not rank " + mask.rank());
        }
        int tokens = (int) mask.shape()[1];
        long[] values = mask.dtype().isFloating() ? null : mask.toLongArray();
        float[] floats = values == null ? mask.toFloatArray() : null;
        boolean[] real = new boolean[indices.length * tokens];
        for (int i = 0; i < indices.length; i++) {
            for (int t = 0; t < tokens; t++) {
                int at = indices[i] * tokens + t;
                real[i * tokens + t] = values != null ? values[at] != 0 : floats[at] != 0;
            }
        }
        return new TokenMask(tokens, real);
    }

    public int samples() {
        return counts.length;
    }

    /** Positions per sample, padding included. */
    public int tokens() {
        return tokens;
    }

    public boolean real(int sample, int token) {
        return real[sample * tokens + token];
    }

    /** How many of a sample's positions are real tokens. */
    public int realCount(int sample) {
        return counts[sample];
    }

    /**
     * Whether every sample's real tokens come first and its padding last ({@code 1 1 1 0 0}), so that a sample can be
     * run trimmed to its real length without changing what its real tokens compute.
     */
    public boolean rightPadded() {
        return rightPadded;
    }
}
