package dev.bitplan.qat.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/** BatchNormalization (inference form, frozen statistics), LayerNormalization, pools and reductions. */
final class NormPoolOps {

    private NormPoolOps() {
    }

    static void register(Map<String, OpKernel> ops) {
        ops.put("BatchNormalization", NormPoolOps::batchNorm);
        ops.put("LayerNormalization", NormPoolOps::layerNorm);
        ops.put("GlobalAveragePool", c -> ElementwiseOps.one(reduce(c.in(0), spatialAxes(c.in(0)), true, "mean")));
        ops.put("GlobalMaxPool", c -> ElementwiseOps.one(reduce(c.in(0), spatialAxes(c.in(0)), true, "max")));
        ops.put("MaxPool", NormPoolOps::maxPool);
        ops.put("AveragePool", NormPoolOps::avgPool);
        ops.put("ReduceMean", c -> reduce(c, "mean"));
        ops.put("ReduceSum", c -> reduce(c, "sum"));
        ops.put("ReduceMax", c -> reduce(c, "max"));
        ops.put("ReduceMin", c -> reduce(c, "min"));
    }

    private static int[] spatialAxes(NDArray x) {
        int[] axes = new int[x.getShape().dimension() - 2];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 2;
        }
        return axes;
    }

    /** The running statistics are frozen: y = x * g / sqrt(v + e) + (b - m g / sqrt(v + e)), per channel (axis 1). */
    private static NDList batchNorm(NodeContext c) {
        if (c.node().getOutputCount() > 1 || c.intAttr("training_mode", 0) != 0) {
            throw c.unsupported("training-mode BatchNormalization (export the model in eval mode)");
        }
        NDArray x = c.in(0);
        float eps = c.floatAttr("epsilon", 1e-5f);
        NDArray scale = c.in(1).div(c.in(4).add(eps).sqrt());
        NDArray shift = c.in(2).sub(c.in(3).mul(scale));
        long[] dims = new long[x.getShape().dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[1] = -1;
        Shape channel = new Shape(dims);
        return ElementwiseOps.one(x.mul(scale.reshape(channel)).add(shift.reshape(channel)));
    }

    private static NDList layerNorm(NodeContext c) {
        NDArray x = c.in(0);
        int rank = x.getShape().dimension();
        long axis = c.intAttr("axis", -1);
        int a = (int) (axis < 0 ? axis + rank : axis);
        Shape normalized = x.getShape().slice(a);
        NDArray gamma = c.in(1);
        NDArray beta = c.has(2) ? c.in(2) : gamma.zerosLike();
        NDList out = x.getNDArrayInternal().layerNorm(x, normalized, gamma.broadcast(normalized), beta.broadcast(normalized),
                c.floatAttr("epsilon", 1e-5f));
        return ElementwiseOps.one(out.get(0));
    }

    private static NDList maxPool(NodeContext c) {
        NDArray x = c.in(0);
        int spatial = x.getShape().dimension() - 2;
        Padding p = Padding.of(c, spatial);
        if (!p.isSymmetric() || c.node().getOutputCount() > 1 || c.intAttr("storage_order", 0) != 0) {
            throw c.unsupported("asymmetric pads, indices output or storage order");
        }
        long[] d = p.dilationValues();
        for (long v : d) {
            if (v != 1) {
                throw c.unsupported("dilated MaxPool");
            }
        }
        return ElementwiseOps.one(x.getNDArrayInternal().maxPool(new Shape(c.intsAttr("kernel_shape")), p.strides(), p.symmetric(),
                c.intAttr("ceil_mode", 0) != 0));
    }

    private static NDList avgPool(NodeContext c) {
        NDArray x = c.in(0);
        Padding p = Padding.of(c, x.getShape().dimension() - 2);
        if (!p.isSymmetric()) {
            throw c.unsupported("asymmetric pads");
        }
        Shape kernel = new Shape(c.intsAttr("kernel_shape"));
        boolean ceil = c.intAttr("ceil_mode", 0) != 0;
        NDArray withPad = x.getNDArrayInternal().avgPool(kernel, p.strides(), p.symmetric(), ceil, true);
        if (c.intAttr("count_include_pad", 0) != 0 || java.util.Arrays.stream(p.begin()).allMatch(v -> v == 0)) {
            return ElementwiseOps.one(withPad);
        }
        // DJL's PyTorch engine counts the padding whatever the flag says: divide by the share of real values per window
        NDArray share = x.onesLike().getNDArrayInternal().avgPool(kernel, p.strides(), p.symmetric(), ceil, true);
        return ElementwiseOps.one(withPad.div(share));
    }

    /** Axes from the attribute (before opset 18; ReduceSum 13) or the second input; none means all. */
    private static NDList reduce(NodeContext c, String kind) {
        NDArray x = c.in(0);
        int rank = x.getShape().dimension();
        boolean axesAsInput = c.opset() >= 18 || ("sum".equals(kind) && c.opset() >= 13);
        long[] axes = axesAsInput ? (c.has(1) ? c.longs(1) : null) : c.intsAttr("axes");
        boolean keep = c.intAttr("keepdims", 1) != 0;
        if (axes == null || axes.length == 0) {
            if (c.intAttr("noop_with_empty_axes", 0) != 0) {
                return ElementwiseOps.one(x);
            }
            axes = new long[rank];
            for (int i = 0; i < rank; i++) {
                axes[i] = i;
            }
        }
        int[] a = new int[axes.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (int) (axes[i] < 0 ? axes[i] + rank : axes[i]);
        }
        return ElementwiseOps.one(reduce(x, a, keep, kind));
    }

    /** DJL's PyTorch engine reduces one axis at a time: the axes from the last down, kept, then squeezed if asked. */
    private static NDArray reduce(NDArray x, int[] axes, boolean keep, String kind) {
        int[] sorted = java.util.Arrays.stream(axes).sorted().toArray();
        NDArray out = x;
        for (int i = sorted.length - 1; i >= 0; i--) {
            int[] one = {sorted[i]};
            out = switch (kind) {
                case "mean" -> out.mean(one, true);
                case "sum" -> out.sum(one, true);
                case "max" -> out.max(one, true);
                default -> out.min(one, true);
            };
        }
        return keep ? out : out.squeeze(sorted);
    }
}
