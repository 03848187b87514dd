package dev.bitplan.qat.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Fake quantization with the straight-through estimator, in the engine's arithmetic: {@code q = clip(round_half_even(x /
 * s) + z, qmin, qmax)} computed in float32 as ONNX QuantizeLinear and the engine's weight quantizer do. Backward, the
 * identity where {@code round(x / s) + z} lies inside [qmin, qmax], zero outside; scales and zero points get no gradient.
 */
public final class FakeQuant {

    private FakeQuant() {
    }

    /** The integer grid values as floats: exactly {@code q} forward, {@code inside / s} as d/dx backward. */
    public static NDArray straightThrough(NDArray x, NDArray scale, NDArray zero, float qmin, float qmax) {
        NDArray scaled = x.div(scale);
        NDArray unclipped = scaled.stopGradient().round().add(zero);
        NDArray q = unclipped.clip(qmin, qmax);
        NDArray inside = unclipped.gte(qmin).logicalAnd(unclipped.lte(qmax)).toType(DataType.FLOAT32, false);
        NDArray passed = scaled.mul(inside);
        // q + (p - p): exactly q forward (p - p is 0), d/dx = inside / s backward
        return q.add(passed.sub(passed.stopGradient()));
    }

    /** A symmetric weight on the narrow grid [-qmax, qmax], dequantized: {@code s * clip(round(w / s))}. */
    public static NDArray weight(NDArray w, NDArray scale, int qmax) {
        NDArray zero = w.getManager().create(0f);
        return straightThrough(w, scale, zero, -qmax, qmax).mul(scale);
    }
}
