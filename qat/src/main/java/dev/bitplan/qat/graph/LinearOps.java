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

    /**
     * ConvTranspose as the convolution it is the gradient of (DJL's PyTorch engine has no deconvolution): the input
     * spread out by the stride (zeros between values), padded by {@code d (k - 1) - p} per side (plus output_padding at
     * the end), convolved at stride 1 with the weight flipped spatially and its in / out channels swapped per group.
     * <pre>
     *   ConvTranspose(x, W [Cin, Cout/g, kh, kw], s, p)  =  Conv(pad(spread(x, s), d (k-1) - p), flip(W') [Cout, Cin/g, kh, kw])
     * </pre>
     */
    private static NDList convTranspose(NodeContext c) {
        NDArray x = c.in(0);
        NDArray w = c.in(1);
        if (x.getShape().dimension() != 4) {
            throw c.unsupported("only 2-D ConvTranspose");
        }
        if (c.hasAttr("output_shape")) {
            throw c.unsupported("output_shape (give pads instead)");
        }
        Padding p = Padding.of(c, 2);
        long[] outPad = c.intsAttr("output_padding");
        long[] extra = outPad == null ? new long[2] : outPad;
        int groups = (int) c.intAttr("group", 1);
        long[] wd = w.getShape().getShape(); // [Cin, Cout/g, kh, kw]
        NDArray flipped = w.reshape(groups, wd[0] / groups, wd[1], wd[2], wd[3]).transpose(0, 2, 1, 3, 4)
                .reshape(groups * wd[1], wd[0] / groups, wd[2], wd[3]).flip(2, 3);
        long[] xd = x.getShape().getShape();
        long sh = p.strideValues()[0];
        long sw = p.strideValues()[1];
        NDArray spread = x;
        if (sh > 1 || sw > 1) {
            spread = x.reshape(xd[0], xd[1], xd[2], 1, xd[3], 1).pad(new Shape(0, sw - 1, 0, 0, 0, sh - 1), 0)
                    .reshape(xd[0], xd[1], xd[2] * sh, xd[3] * sw)
                    .get(":, :, :" + ((xd[2] - 1) * sh + 1) + ", :" + ((xd[3] - 1) * sw + 1));
        }
        long[] pads = new long[4]; // (left, right, top, bottom) as DJL's pad lists them, last axis first
        for (int axis = 0; axis < 2; axis++) {
            long reach = p.dilationValues()[axis] * (wd[2 + axis] - 1);
            long before = reach - p.begin()[axis];
            long after = reach - p.end()[axis] + extra[axis];
            int at = axis == 1 ? 0 : 2;
            pads[at] = before;
            pads[at + 1] = after;
        }
        spread = cropOrPad(spread, pads);
        NDArray bias = c.has(2) ? c.in(2) : null;
        return spread.getNDArrayInternal().convolution(spread, flipped, bias, new Shape(1, 1), new Shape(0, 0), p.dilations(), groups);
    }

    /** Pads with zeros where a side's amount is positive, crops where it is negative. */
    private static NDArray cropOrPad(NDArray x, long[] pads) {
        long[] grow = new long[4];
        boolean crop = false;
        for (int i = 0; i < 4; i++) {
            grow[i] = Math.max(0, pads[i]);
            crop |= pads[i] < 0;
        }
        NDArray out = x.pad(new Shape(grow), 0);
        if (!crop) {
            return out;
        }
        long[] d = out.getShape().getShape();
        long top = Math.max(0, -pads[2]);
        long bottom = d[2] - Math.max(0, -pads[3]);
        long left = Math.max(0, -pads[0]);
        long right = d[3] - Math.max(0, -pads[1]);
        return out.get(":, :, " + top + ":" + bottom + ", " + left + ":" + right);
    }
}
