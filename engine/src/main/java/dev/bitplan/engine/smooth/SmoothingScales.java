package dev.bitplan.engine.smooth;

import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;

/**
 * SmoothQuant's per-channel migration scale {@code s_j = max|X_j|^alpha / max_k|W_jk|^(1 - alpha)}: alpha 0 makes every
 * weight row's range 1, alpha 1 every activation channel's; in between, the two ranges meet.
 */
public final class SmoothingScales {

    /** Floor of either maximum, as in the paper's code: a dead channel or an all-zero row keeps a finite scale. */
    static final float MIN_MAX = 1e-5f;
    /** Bounds of s, so that gamma / s and w * s stay normal floats whatever the statistics. */
    static final float MIN_SCALE = 1e-5f;
    static final float MAX_SCALE = 1e5f;

    private SmoothingScales() {
    }

    /** s per channel, from the activation's channel maxima and the weights' row maxima. */
    public static float[] of(float[] activationMax, float[] weightRowMax, double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        if (activationMax.length != weightRowMax.length) {
            throw new IllegalArgumentException(activationMax.length + " activation channels, " + weightRowMax.length + " weight rows");
        }
        float[] s = new float[activationMax.length];
        for (int j = 0; j < s.length; j++) {
            double a = Math.max(activationMax[j], MIN_MAX);
            double w = Math.max(weightRowMax[j], MIN_MAX);
            double v = Math.pow(a, alpha) / Math.pow(w, 1 - alpha);
            s[j] = Double.isFinite(v) ? (float) Math.min(MAX_SCALE, Math.max(MIN_SCALE, v)) : 1f;
        }
        return s;
    }

    /** max_k |W_jk| per row j over every reader of a site (Q, K and V share one LayerNorm, so one s serves all three). */
    public static float[] weightRowMax(OnnxModel model, SmoothingSite site) {
        float[] m = new float[site.channels()];
        for (Layer l : site.readers()) {
            float[] w = Tensors.floats(model.initializer(l.weight()).orElseThrow());
            int cols = (int) l.weightDims()[1];
            for (int j = 0; j < m.length; j++) {
                for (int k = 0; k < cols; k++) {
                    m[j] = Math.max(m[j], Math.abs(w[j * cols + k]));
                }
            }
        }
        return m;
    }
}
