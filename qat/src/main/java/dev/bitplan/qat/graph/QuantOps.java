package dev.bitplan.qat.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Map;

/**
 * The engine's Q/DQ pairs as fake quantization with the straight-through estimator (see {@link FakeQuant}). A
 * QuantizeLinear that only its DequantizeLinear reads is one fused node ({@link QdqPairs}), computed without leaving
 * float; a lone QuantizeLinear writes its integers as floats, so that the gradient can pass to whatever reads them.
 * Scales and zero points are constants (calibrated, or computed per batch by DynamicQuantizeLinear), never trained.
 */
final class QuantOps {

    private QuantOps() {
    }

    static void register(Map<String, OpKernel> ops) {
        ops.put("QuantizeLinear", QuantOps::quantize);
        ops.put("DequantizeLinear", QuantOps::dequantize);
        ops.put("DynamicQuantizeLinear", QuantOps::dynamicQuantize);
        ops.put(QdqPairs.FAKE_QUANTIZE, QuantOps::fakeQuantize);
        ops.put(QdqPairs.DYNAMIC_FAKE_QUANTIZE, QuantOps::dynamicFakeQuantize);
    }

    /** The integer range of a QuantizeLinear's output type, which its zero point's type gives (uint8 without one). */
    private record Grid(float qmin, float qmax) {
        static Grid of(NodeContext c) {
            DataType type = c.has(2) ? c.in(2).getDataType() : DataType.UINT8;
            return type == DataType.INT8 ? new Grid(-128, 127) : new Grid(0, 255);
        }
    }

    /** A per-axis scale and zero point shaped to broadcast over {@code x}, and the clip range's ends they give. */
    private record AxisGrid(NDArray scale, NDArray zero, NDArray lo, NDArray hi) {
        static AxisGrid of(NodeContext c, NDArray x, Grid grid) {
            NDArray scale = perAxis(c, c.in(1), x);
            NDArray zero = c.has(2) ? perAxis(c, c.in(2), x).toType(DataType.FLOAT32, false) : scale.zerosLike();
            return new AxisGrid(scale, zero, zero.neg().add(grid.qmin()).mul(scale), zero.neg().add(grid.qmax()).mul(scale));
        }
    }

    private static NDList quantize(NodeContext c) {
        refuseBlocks(c, "block-wise QuantizeLinear");
        NDArray x = c.in(0);
        Grid grid = Grid.of(c);
        if (perTensor(c.in(1))) {
            return ElementwiseOps.one(FakeQuant.integerGrid(x, scalar(c.in(1)), zeroPoint(c), grid.qmin(), grid.qmax()));
        }
        AxisGrid a = AxisGrid.of(c, x, grid);
        return ElementwiseOps.one(FakeQuant.integerGrid(x, a.scale(), a.zero(), a.lo(), a.hi()));
    }

    /** QuantizeLinear then DequantizeLinear with the same scale and zero point, in one: the inputs are the Q's. */
    private static NDList fakeQuantize(NodeContext c) {
        refuseBlocks(c, "block-wise QuantizeLinear");
        NDArray x = c.in(0);
        NDArray scale = c.in(1);
        Grid grid = Grid.of(c);
        if (!perTensor(scale)) {
            AxisGrid a = AxisGrid.of(c, x, grid);
            return ElementwiseOps.one(FakeQuant.dequantized(x, a.scale(), a.lo(), a.hi()));
        }
        if (scale.hasGradient()) {
            // a scale QAT learns (LSQ): a parameter, not a constant
            return ElementwiseOps.one(FakeQuant.learnedScale(x, scale, zeroPoint(c), grid.qmin(), grid.qmax()));
        }
        return ElementwiseOps.one(FakeQuant.dequantized(x, scalar(scale), zeroPoint(c), grid.qmin(), grid.qmax()));
    }

    private static NDList dequantize(NodeContext c) {
        refuseBlocks(c, "block-wise DequantizeLinear (the fake-quant form stores such weights as floats)");
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

    /** A lone DynamicQuantizeLinear: its three outputs, the integers as floats. */
    private static NDList dynamicQuantize(NodeContext c) {
        NDArray x = c.in(0);
        DynamicRange r = DynamicRange.of(x);
        NDArray q = FakeQuant.integerGrid(x, r.scale(), r.zero(), 0f, 255f);
        return new NDList(q, x.getManager().create(r.scale()), x.getManager().create(r.zero()));
    }

    /** DynamicQuantizeLinear and the DequantizeLinear of its three outputs, in one. */
    private static NDList dynamicFakeQuantize(NodeContext c) {
        NDArray x = c.in(0);
        DynamicRange r = DynamicRange.of(x);
        return ElementwiseOps.one(FakeQuant.dequantized(x, r.scale(), r.zero(), 0f, 255f));
    }

    /**
     * ONNX Runtime's DynamicQuantizeLinear parameters: the range of the whole tensor widened to hold 0,
     * {@code s = (max - min) / 255}, {@code z = round(clip(-min / s, 0, 255))}, in float32 as ORT computes them.
     */
    private record DynamicRange(float scale, float zero) {
        static DynamicRange of(NDArray x) {
            NDArray detached = x.stopGradient();
            float lo = Math.min(detached.min().getFloat(), 0f);
            float hi = Math.max(detached.max().getFloat(), 0f);
            float scale = (hi - lo) / 255f;
            if (scale == 0f) {
                scale = 1f;
            }
            float zero = (float) Math.rint(Math.min(255f, Math.max(0f, -lo / scale)));
            return new DynamicRange(scale, zero);
        }
    }

    private static void refuseBlocks(NodeContext c, String what) {
        if (c.intAttr("block_size", 0) != 0) {
            throw c.unsupported(what);
        }
    }

    private static boolean perTensor(NDArray scale) {
        return scale.getShape().size() == 1;
    }

    private static float scalar(NDArray a) {
        return a.toType(DataType.FLOAT32, false).toFloatArray()[0];
    }

    private static float zeroPoint(NodeContext c) {
        return c.has(2) ? scalar(c.in(2)) : 0f;
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
