package dev.bitplan.qat.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.onnx.proto.OnnxMl.AttributeProto;
import java.util.Arrays;
import java.util.Map;

/**
 * Shape, layout and indexing ops. Their integer arguments (target shapes, axes, slice bounds) are read into Java as the
 * graph runs: eager evaluation of the shape-only parts, while the data they move stays differentiable.
 */
final class ShapeOps {

    private ShapeOps() {
    }

    static void register(Map<String, OpKernel> ops) {
        ops.put("Shape", ShapeOps::shape);
        ops.put("Reshape", ShapeOps::reshape);
        ops.put("Flatten", ShapeOps::flatten);
        ops.put("Transpose", ShapeOps::transpose);
        ops.put("Concat", ShapeOps::concat);
        ops.put("Unsqueeze", ShapeOps::unsqueeze);
        ops.put("Squeeze", ShapeOps::squeeze);
        ops.put("Gather", ShapeOps::gather);
        ops.put("Slice", ShapeOps::slice);
        ops.put("Expand", ShapeOps::expand);
        ops.put("ConstantOfShape", ShapeOps::constantOfShape);
        ops.put("Constant", ShapeOps::constant);
        ops.put("Range", ShapeOps::range);
    }

    private static NDList one(NDArray a) {
        return ElementwiseOps.one(a);
    }

    private static int normalize(long axis, int rank) {
        return (int) (axis < 0 ? axis + rank : axis);
    }

    private static NDList shape(NodeContext c) {
        long[] dims = c.in(0).getShape().getShape();
        int rank = dims.length;
        int start = Math.max(0, Math.min(rank, normalize(c.intAttr("start", 0), rank)));
        int end = Math.max(0, Math.min(rank, normalize(c.intAttr("end", rank), rank)));
        return one(c.in(0).getManager().create(Arrays.copyOfRange(dims, start, Math.max(start, end))));
    }

    private static NDList reshape(NodeContext c) {
        NDArray x = c.in(0);
        long[] target = c.longs(1).clone();
        boolean allowZero = c.intAttr("allowzero", 0) != 0;
        long[] dims = x.getShape().getShape();
        for (int i = 0; i < target.length; i++) {
            if (target[i] == 0 && !allowZero) {
                target[i] = dims[i];
            }
        }
        return one(x.reshape(new Shape(target)));
    }

    private static NDList flatten(NodeContext c) {
        NDArray x = c.in(0);
        long[] dims = x.getShape().getShape();
        int axis = normalize(c.intAttr("axis", 1), dims.length);
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= dims[i];
        }
        return one(x.reshape(outer, -1));
    }

    private static NDList transpose(NodeContext c) {
        long[] perm = c.intsAttr("perm");
        NDArray x = c.in(0);
        if (perm == null) {
            return one(x.transpose());
        }
        return one(x.transpose(Arrays.stream(perm).mapToInt(p -> (int) p).toArray()));
    }

    private static NDList concat(NodeContext c) {
        NDList parts = new NDList();
        for (int i = 0; i < c.inputCount(); i++) {
            parts.add(c.in(i));
        }
        int axis = normalize(c.intAttr("axis", 0), parts.get(0).getShape().dimension());
        return one(NDArrays.concat(parts, axis));
    }

    private static long[] axes(NodeContext c) {
        return c.opset() >= 13 ? (c.has(1) ? c.longs(1) : null) : c.intsAttr("axes");
    }

    private static NDList unsqueeze(NodeContext c) {
        NDArray x = c.in(0);
        long[] axes = axes(c);
        int outRank = x.getShape().dimension() + axes.length;
        int[] sorted = Arrays.stream(axes).mapToInt(a -> normalize(a, outRank)).sorted().toArray();
        for (int a : sorted) {
            x = x.expandDims(a);
        }
        return one(x);
    }

    private static NDList squeeze(NodeContext c) {
        NDArray x = c.in(0);
        long[] axes = axes(c);
        if (axes == null) {
            return one(x.squeeze());
        }
        int rank = x.getShape().dimension();
        return one(x.squeeze(Arrays.stream(axes).mapToInt(a -> normalize(a, rank)).toArray()));
    }

    /**
     * Rows of a float table by integer ids (an embedding) go through PyTorch's embedding, whose gradient reaches the
     * table; other gathers select along the axis with advanced indexing.
     */
    private static NDList gather(NodeContext c) {
        NDArray data = c.in(0);
        NDArray ids = c.in(1);
        int rank = data.getShape().dimension();
        int axis = normalize(c.intAttr("axis", 0), rank);
        long size = data.getShape().get(axis);
        if (ids.getDataType() != DataType.INT64) {
            ids = ids.toType(DataType.INT64, false);
        }
        // negative ids count from the end, as in ONNX
        ids = NDArrays.where(ids.lt(0), ids.add(size), ids);
        if (axis == 0 && rank == 2 && data.getDataType().isFloating()) {
            return data.getNDArrayInternal().embedding(ids, data, SparseFormat.DENSE);
        }
        long[] idShape = ids.getShape().getShape();
        // the gathered axis to the front, index by a flat id list, then the id dimensions back into the axis' place
        int[] toFront = new int[rank];
        toFront[0] = axis;
        for (int i = 0, j = 1; i < rank; i++) {
            if (i != axis) {
                toFront[j++] = i;
            }
        }
        NDArray front = axis == 0 ? data : data.transpose(toFront);
        NDArray picked = front.get(new NDIndex("{}", ids.flatten()));
        long[] rest = Arrays.copyOfRange(front.getShape().getShape(), 1, rank);
        long[] gathered = new long[idShape.length + rest.length];
        System.arraycopy(idShape, 0, gathered, 0, idShape.length);
        System.arraycopy(rest, 0, gathered, idShape.length, rest.length);
        NDArray out = picked.reshape(new Shape(gathered));
        if (axis == 0) {
            return one(out);
        }
        // out is [ids..., data dims without axis]; move data dims before the axis ahead of the id dims
        int outRank = gathered.length;
        int[] back = new int[outRank];
        int k = 0;
        for (int i = 0; i < axis; i++) {
            back[k++] = idShape.length + i;
        }
        for (int i = 0; i < idShape.length; i++) {
            back[k++] = i;
        }
        for (int i = idShape.length + axis; i < outRank; i++) {
            back[k++] = i;
        }
        return one(out.transpose(back));
    }

    private static NDList slice(NodeContext c) {
        NDArray x = c.in(0);
        long[] dims = x.getShape().getShape();
        int rank = dims.length;
        long[] starts = c.longs(1);
        long[] ends = c.longs(2);
        long[] axes = c.has(3) ? c.longs(3) : null;
        long[] steps = c.has(4) ? c.longs(4) : null;
        String[] parts = new String[rank];
        Arrays.fill(parts, ":");
        for (int i = 0; i < starts.length; i++) {
            int axis = axes == null ? i : normalize(axes[i], rank);
            long step = steps == null ? 1 : steps[i];
            if (step <= 0) {
                throw c.unsupported("step " + step + " (only positive steps)");
            }
            long start = clamp(starts[i] < 0 ? starts[i] + dims[axis] : starts[i], dims[axis]);
            long end = clamp(ends[i] < 0 ? ends[i] + dims[axis] : ends[i], dims[axis]);
            parts[axis] = start + ":" + Math.max(start, end) + (step == 1 ? "" : ":" + step);
        }
        return one(x.get(new NDIndex(String.join(",", parts))));
    }

    private static long clamp(long v, long dim) {
        return Math.max(0, Math.min(dim, v));
    }

    /** ONNX Expand broadcasts both ways: the result has the larger of each pair of dimensions. */
    private static NDList expand(NodeContext c) {
        NDArray x = c.in(0);
        long[] shape = c.longs(1);
        long[] dims = x.getShape().getShape();
        int rank = Math.max(shape.length, dims.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long a = i < rank - dims.length ? 1 : dims[i - (rank - dims.length)];
            long b = i < rank - shape.length ? 1 : shape[i - (rank - shape.length)];
            out[i] = a == 1 ? b : a;
        }
        return one(x.broadcast(new Shape(out)));
    }

    private static NDList constantOfShape(NodeContext c) {
        long[] shape = c.longs(0);
        NDArray value = c.hasAttr("value")
                ? TensorConversion.toNDArray(c.in(0).getManager(), c.attr("value").getT())
                : c.in(0).getManager().create(0f);
        return one(value.reshape(new Shape()).broadcast(new Shape(shape)).duplicate());
    }

    private static NDList constant(NodeContext c) {
        AttributeProto a = c.node().getAttribute(0);
        var m = c.manager();
        return one(switch (a.getName()) {
            case "value" -> TensorConversion.toNDArray(m, a.getT());
            case "value_float" -> m.create(a.getF());
            case "value_int" -> m.create(a.getI());
            case "value_floats" -> m.create(toFloats(a));
            case "value_ints" -> m.create(a.getIntsList().stream().mapToLong(Long::longValue).toArray());
            default -> throw c.unsupported("Constant with attribute " + a.getName());
        });
    }

    private static float[] toFloats(AttributeProto a) {
        float[] f = new float[a.getFloatsCount()];
        for (int i = 0; i < f.length; i++) {
            f[i] = a.getFloats(i);
        }
        return f;
    }

    private static NDList range(NodeContext c) {
        NDArray start = c.in(0);
        var m = start.getManager();
        if (start.getDataType().isFloating()) {
            return one(m.arange(start.getFloat(), c.in(1).getFloat(), c.in(2).getFloat()));
        }
        return one(m.arange(c.longs(0)[0], c.longs(1)[0], c.longs(2)[0]).toType(start.getDataType(), false));
    }
}
