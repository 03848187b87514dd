package dev.bitplan.qat.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Fake quantization with the straight-through estimator, in the engine's arithmetic: {@code q = clip(round_half_even(x /
 * s) + z, qmin, qmax)} computed in float32 as ONNX QuantizeLinear and the engine's weight quantizer do. Backward, the
 * identity inside the clip range {@code [(qmin - z) s, (qmax - z) s]}, zero outside (PyTorch's clamp gives that mask);
 * scales and zero points get no gradient.
 */
public final class FakeQuant {

    private FakeQuant() {
    }

    /** The integer grid values as floats: exactly {@code q} forward, {@code 1 / s} inside the clip range as d/dx backward. */
    public static NDArray straightThrough(NDArray x, NDArray scale, NDArray zero, float qmin, float qmax) {
        NDArray q = x.stopGradient().div(scale).round().add(zero).clip(qmin, qmax);
        NDArray lo = zero.neg().add(qmin).mul(scale);
        NDArray hi = zero.neg().add(qmax).mul(scale);
        NDArray passed = x.minimum(hi).maximum(lo).div(scale);
        // q + (p - p): exactly q forward (p - p is 0), d/dx = 1 / s inside the clip range backward
        return q.add(passed.sub(passed.stopGradient()));
    }

    /** A symmetric weight on the narrow grid [-qmax, qmax], dequantized: {@code s * clip(round(w / s))}. */
    public static NDArray weight(NDArray w, NDArray scale, int qmax) {
        NDArray zero = w.getManager().create(0f);
        return straightThrough(w, scale, zero, -qmax, qmax).mul(scale);
    }
}
