package dev.bitplan.qat.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Fake quantization with the straight-through estimator, in the engine's arithmetic. Forward, exactly what a
 * QuantizeLinear and DequantizeLinear pair computes in float32: {@code (clip(round_half_even(x / s) + z, qmin, qmax) - z) s}.
 * Backward, the identity inside the clip range {@code [(qmin - z) s, (qmax - z) s]} and zero outside; scales and zero
 * points get no gradient.
 *
 * <p>Written for few passes over the tensor, because on a small CNN a QAT step is mostly these passes (each a fresh
 * array as large as the activation). The grid is computed on the detached tensor, clamped to the clip range first so
 * that the integer clip is already done and the zero point cancels ({@code round(x / s) + z - z}). The gradient flows
 * through {@code (x - x) * inside}, which is exactly 0 forward and whose backward is one multiplication by the mask;
 * PyTorch's own clamp backward took six times as long here (libtorch 2.7 on CPU).
 */
public final class FakeQuant {

    private FakeQuant() {
    }

    /** Per tensor: one scale and zero point. */
    public static NDArray dequantized(NDArray x, float scale, float zero, float qmin, float qmax) {
        NDArray detached = x.stopGradient();
        NDArray clipped = detached.clip((qmin - zero) * scale, (qmax - zero) * scale);
        return straightThrough(clipped.div(scale).round().mul(scale), x, inside(clipped, detached));
    }

    /**
     * Per tensor with a learned scale (LSQ, Esser et al. 2020): forward as {@link #dequantized(NDArray, float, float,
     * float, float)} at the scale's current value; backward, d/dx as there, and d/ds = {@code round(x / s) - x / s}
     * inside the clip range and the clipped level ({@code qmin - z} or {@code qmax - z}) outside, times LSQ's gradient
     * scale {@code 1 / sqrt(values per sample * (qmax - z))} so that the scale's steps are the size of the weights'.
     */
    public static NDArray learnedScale(NDArray x, NDArray scale, float zero, float qmin, float qmax) {
        float s = scale.toFloatArray()[0];
        NDArray detached = x.stopGradient();
        NDArray clipped = detached.clip((qmin - zero) * s, (qmax - zero) * s);
        NDArray levels = clipped.div(s).round();
        NDArray inside = inside(clipped, detached);
        long perSample = x.getShape().dimension() == 0 ? 1 : x.size() / x.getShape().get(0);
        float gradientScale = (float) (1 / Math.sqrt(perSample * (double) Math.max(1f, qmax - zero)));
        NDArray slope = levels.sub(detached.mul(inside).div(s)).mul(gradientScale);
        NDArray forward = straightThrough(levels.mul(s), x, inside);
        return forward.add(scale.sub(scale.stopGradient()).mul(slope));
    }

    /** Per channel or per block: {@code lo} and {@code hi} are the clip range's ends, broadcasting like {@code scale}. */
    public static NDArray dequantized(NDArray x, NDArray scale, NDArray lo, NDArray hi) {
        NDArray detached = x.stopGradient();
        NDArray clipped = detached.minimum(hi).maximum(lo);
        return straightThrough(clipped.div(scale).round().mul(scale), x, inside(clipped, detached));
    }

    /**
     * A QuantizeLinear read by something other than its DequantizeLinear: the integer grid values as floats, {@code 1 / s}
     * inside the clip range as d/dx backward.
     */
    public static NDArray integerGrid(NDArray x, float scale, float zero, float qmin, float qmax) {
        NDArray detached = x.stopGradient();
        NDArray clipped = detached.clip((qmin - zero) * scale, (qmax - zero) * scale);
        return straightThrough(clipped.div(scale).round().add(zero), x, inside(clipped, detached).div(scale));
    }

    /** {@link #integerGrid(NDArray, float, float, float, float)} per channel: {@code zero}, {@code lo}, {@code hi} broadcast like {@code scale}. */
    public static NDArray integerGrid(NDArray x, NDArray scale, NDArray zero, NDArray lo, NDArray hi) {
        NDArray detached = x.stopGradient();
        NDArray clipped = detached.minimum(hi).maximum(lo);
        return straightThrough(clipped.div(scale).round().add(zero), x, inside(clipped, detached).div(scale));
    }

    /** A symmetric weight on the narrow grid [-qmax, qmax], dequantized: {@code s * clip(round(w / s), -qmax, qmax)}. */
    public static NDArray weight(NDArray w, NDArray scale, int qmax) {
        if (scale.getShape().size() == 1) {
            return dequantized(w, scale.toFloatArray()[0], 0f, -qmax, qmax);
        }
        NDArray hi = scale.mul((float) qmax);
        return dequantized(w, scale, hi.neg(), hi);
    }

    /**
     * 1 where the clip left the value as it was, else 0 (NaN included); as floats, because PyTorch's backward of a product
     * with a boolean mask took three times as long.
     */
    private static NDArray inside(NDArray clipped, NDArray detached) {
        return clipped.eq(detached).toType(DataType.FLOAT32, false);
    }

    /** {@code forward} as the value exactly ({@code x - x} is 0), {@code slope} times the incoming gradient backward. */
    private static NDArray straightThrough(NDArray forward, NDArray x, NDArray slope) {
        return forward.add(x.sub(x.stopGradient()).mul(slope));
    }
}
