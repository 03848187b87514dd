package dev.bitplan.engine.smooth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The largest |x| per channel (the last axis) of some activations, over every batch seen: SmoothQuant's measure of
 * how much an activation channel stretches a per-tensor range.
 */
public final class ChannelAbsMax {

    private final Map<String, float[]> max = new LinkedHashMap<>();

    /** @param channels tensor name to its channel count (the size of its last axis) */
    public ChannelAbsMax(Map<String, Integer> channels) {
        channels.forEach((tensor, c) -> max.put(tensor, new float[c]));
    }

    /** Folds one batch of {@code tensor}'s values in (row-major, so channel = flat index mod channel count). */
    public synchronized void accept(String tensor, float[] values) {
        float[] m = max.get(tensor);
        if (m == null) {
            return;
        }
        int c = m.length;
        if (values.length % c != 0) {
            throw new IllegalArgumentException(tensor + ": " + values.length + " values are not rows of " + c + " channels");
        }
        for (int i = 0; i < values.length; i += c) {
            for (int j = 0; j < c; j++) {
                float a = Math.abs(values[i + j]);
                if (a > m[j]) {
                    m[j] = a;
                }
            }
        }
    }

    /** The per-channel maxima of one tensor (zeros when no batch was seen). */
    public synchronized float[] of(String tensor) {
        float[] m = max.get(tensor);
        if (m == null) {
            throw new IllegalArgumentException("no channel statistics for " + tensor);
        }
        return m.clone();
    }
}
