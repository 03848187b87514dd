package dev.bitplan.qat.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/** MatMul, Gemm, Conv (grouped) and ConvTranspose. */
final class LinearOps {

    private LinearOps() {
    }

    static void register(Map<String, OpKernel> ops) {
        ops.put("MatMul", c -> ElementwiseOps.one(c.in(0).matMul(c.in(1))));
        ops.put("Gemm", LinearOps::gemm);
        ops.put("Conv", LinearOps::conv);
        ops.put("ConvTranspose", LinearOps::convTranspose);
    }

    /** Y = alpha * A' B' + beta * C. */
    private static NDList gemm(NodeContext c) {
        NDArray a = c.intAttr("transA", 0) != 0 ? c.in(0).transpose() : c.in(0);
        NDArray b = c.intAttr("transB", 0) != 0 ? c.in(1).transpose() : c.in(1);
        NDArray y = a.matMul(b);
        float alpha = c.floatAttr("alpha", 1f);
        if (alpha != 1f) {
            y = y.mul(alpha);
        }
        if (c.has(2)) {
            float beta = c.floatAttr("beta", 1f);
            y = y.add(beta == 1f ? c.in(2) : c.in(2).mul(beta));
        }
        return ElementwiseOps.one(y);
    }

    private static NDList conv(NodeContext c) {
        NDArray x = c.in(0);
        NDArray w = c.in(1);
        int spatial = x.getShape().dimension() - 2;
        Padding p = Padding.of(c, spatial);
        x = p.explicit(x);
        NDArray bias = c.has(2) ? c.in(2) : null;
        return x.getNDArrayInternal().convolution(x, w, bias, p.strides(), p.symmetric(), p.dilations(),
                (int) c.intAttr("group", 1));
    }

    private static NDList convTranspose(NodeContext c) {
        NDArray x = c.in(0);
        int spatial = x.getShape().dimension() - 2;
        if (c.hasAttr("output_shape")) {
            throw c.unsupported("output_shape (give pads instead)");
        }
        Padding p = Padding.of(c, spatial);
        if (!p.isSymmetric()) {
            throw c.unsupported("asymmetric pads on ConvTranspose");
        }
        long[] outPad = c.intsAttr("output_padding");
        Shape outPadding = new Shape(outPad == null ? new long[spatial] : outPad);
        NDArray bias = c.has(2) ? c.in(2) : null;
        return x.getNDArrayInternal().deconvolution(x, c.in(1), bias, p.strides(), p.symmetric(), outPadding, p.dilations(),
                (int) c.intAttr("group", 1));
    }
}
