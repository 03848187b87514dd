package dev.bitplan.qat.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Map;

/**
 * The engine's Q/DQ pairs as fake quantization with the straight-through estimator. QuantizeLinear writes its integers
 * as floats, so that the gradient can pass to the DequantizeLinear that reads them: forward, exactly ONNX's
 * {@code q = clip(round_half_even(x / s) + z, qmin, qmax)} and {@code x^ = (q - z) s}; backward, the identity where
 * {@code round(x / s) + z} lies inside [qmin, qmax] and zero outside. Scales and zero points are constants (calibrated,
 * or computed per batch by DynamicQuantizeLinear), never trained.
 */
final class QuantOps {

    private QuantOps() {
    }

    static void register(Map<String, OpKernel> ops) {
        ops.put("QuantizeLinear", QuantOps::quantize);
        ops.put("DequantizeLinear", QuantOps::dequantize);
        ops.put("DynamicQuantizeLinear", QuantOps::dynamicQuantize);
    }

    private static NDList quantize(NodeContext c) {
        if (c.intAttr("block_size", 0) != 0) {
            throw c.unsupported("block-wise QuantizeLinear");
        }
        NDArray x = c.in(0);
        DataType type = c.has(2) ? c.in(2).getDataType() : DataType.UINT8;
        float qmin = type == DataType.INT8 ? -128 : 0;
        float qmax = type == DataType.INT8 ? 127 : 255;
        NDArray scale = perAxis(c, c.in(1), x);
        NDArray zero = c.has(2) ? perAxis(c, c.in(2), x).toType(DataType.FLOAT32, false) : x.getManager().create(0f);
        return ElementwiseOps.one(FakeQuant.straightThrough(x, scale, zero, qmin, qmax));
    }

    private static NDList dequantize(NodeContext c) {
        if (c.intAttr("block_size", 0) != 0) {
            throw c.unsupported("block-wise DequantizeLinear (the fake-quant form stores such weights as floats)");
        }
        NDArray q = c.in(0);
        if (!q.getDataType().isFloating()) {
            q = q.toType(DataType.FLOAT32, false);
        }
        NDArray scale = perAxis(c, c.in(1), q);
        if (c.has(2)) {
            q = q.sub(perAxis(c, c.in(2), q).toType(DataType.FLOAT32, false));
        }
        return ElementwiseOps.one(q.mul(scale));
    }

    /**
     * ONNX Runtime's DynamicQuantizeLinear: the range of the whole tensor widened to hold 0, {@code s = (max - min) / 255},
     * {@code z = round(clip(-min / s, 0, 255))}, then uint8 quantization with these.
     */
    private static NDList dynamicQuantize(NodeContext c) {
        NDArray x = c.in(0);
        NDArray detached = x.stopGradient();
        NDArray lo = detached.min().minimum(0f);
        NDArray hi = detached.max().maximum(0f);
        NDArray scale = hi.sub(lo).div(255f);
        scale = NDArrays.where(scale.eq(0f), scale.onesLike(), scale);
        NDArray zero = lo.neg().div(scale).clip(0f, 255f).round();
        return new NDList(FakeQuant.straightThrough(x, scale, zero, 0f, 255f), scale, zero);
    }

    /** A per-axis scale or zero point shaped to broadcast along its axis of {@code x}; a scalar as is. */
    private static NDArray perAxis(NodeContext c, NDArray v, NDArray x) {
        if (v.getShape().dimension() == 0 || v.getShape().size() == 1 && x.getShape().dimension() == 0) {
            return v;
        }
        int rank = x.getShape().dimension();
        long axis = c.intAttr("axis", 1);
        int a = (int) (axis < 0 ? axis + rank : axis);
        long[] dims = new long[rank];
        Arrays.fill(dims, 1);
        dims[a] = v.getShape().size();
        return v.reshape(new Shape(dims));
    }
}
