package dev.bitplan.engine.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A constant with its shape and ONNX element type, with the few shape operations constant folding needs.
 * FLOAT and DOUBLE values are held as float, INT64 and INT32 as long; {@code type} is written back unchanged.
 */
record ConstTensor(long[] dims, float[] floats, long[] longs, int type) {

    /** Wraps FLOAT / DOUBLE as float and INT64 / INT32 as long; other types are not folded (null). */
    static ConstTensor of(TensorProto t) {
        if (t == null) {
            return null;
        }
        int type = t.getDataType();
        if (type == Tensors.FLOAT || type == Tensors.DOUBLE) {
            return new ConstTensor(Tensors.dims(t), Tensors.floats(t), null, type);
        }
        if (type == Tensors.INT64 || type == Tensors.INT32) {
            return new ConstTensor(Tensors.dims(t), null, Tensors.longs(t), type);
        }
        return null;
    }

    int size() {
        return floats != null ? floats.length : longs.length;
    }

    TensorProto toProto(String name) {
        return switch (type) {
            case Tensors.DOUBLE -> Tensors.doubleTensor(name, dims, floats);
            case Tensors.INT32 -> {
                int[] ints = new int[longs.length];
                for (int i = 0; i < ints.length; i++) {
                    ints[i] = (int) longs[i];
                }
                yield Tensors.int32Tensor(name, dims, ints);
            }
            case Tensors.INT64 -> Tensors.int64Tensor(name, dims, longs);
            default -> Tensors.floatTensor(name, dims, floats);
        };
    }

    ConstTensor transpose(long[] perm) {
        int rank = dims.length;
        if (perm == null) {
            perm = new long[rank];
            for (int i = 0; i < rank; i++) {
                perm[i] = rank - 1 - i;
            }
        }
        long[] outDims = new long[rank];
        for (int i = 0; i < rank; i++) {
            outDims[i] = dims[(int) perm[i]];
        }
        long[] inStrides = strides(dims);
        long[] outStrides = strides(outDims);
        int n = size();
        float[] f = floats != null ? new float[n] : null;
        long[] l = longs != null ? new long[n] : null;
        for (int o = 0; o < n; o++) {
            long rem = o;
            long src = 0;
            for (int i = 0; i < rank; i++) {
                long idx = rem / outStrides[i];
                rem %= outStrides[i];
                src += idx * inStrides[(int) perm[i]];
            }
            if (f != null) {
                f[o] = floats[(int) src];
            } else {
                l[o] = longs[(int) src];
            }
        }
        return new ConstTensor(outDims, f, l, type);
    }

    ConstTensor reshape(long[] shape, boolean allowZero) {
        long[] out = shape.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                out[i] = dims[i];
            }
            if (out[i] == -1) {
                unknown = i;
            } else {
                known *= out[i];
            }
        }
        if (unknown >= 0) {
            out[unknown] = size() / known;
        }
        return new ConstTensor(out, floats, longs, type);
    }

    ConstTensor cast(int to) {
        boolean toFloat = to == Tensors.FLOAT || to == Tensors.DOUBLE;
        boolean toInt = to == Tensors.INT64 || to == Tensors.INT32;
        if (!toFloat && !toInt) {
            return null;
        }
        if (toFloat) {
            float[] f = floats;
            if (f == null) {
                f = new float[longs.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = longs[i];
                }
            }
            return new ConstTensor(dims, f, null, to);
        }
        long[] l = longs;
        if (l == null) {
            l = new long[floats.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = (long) floats[i];
            }
        }
        return new ConstTensor(dims, null, l, to);
    }

    ConstTensor squeeze(long[] axes) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            boolean drop = axes == null ? dims[i] == 1 : contains(axes, i, dims.length);
            if (!drop) {
                out.add(dims[i]);
            }
        }
        return new ConstTensor(out.stream().mapToLong(Long::longValue).toArray(), floats, longs, type);
    }

    ConstTensor unsqueeze(long[] axes) {
        if (axes == null) {
            return null;
        }
        int rank = dims.length + axes.length;
        long[] out = new long[rank];
        int src = 0;
        for (int i = 0; i < rank; i++) {
            out[i] = contains(axes, i, rank) ? 1 : dims[src++];
        }
        return new ConstTensor(out, floats, longs, type);
    }

    ConstTensor flatten(int axis) {
        int a = axis < 0 ? axis + dims.length : axis;
        long outer = 1;
        for (int i = 0; i < a; i++) {
            outer *= dims[i];
        }
        return new ConstTensor(new long[] {outer, size() / Math.max(outer, 1)}, floats, longs, type);
    }

    private static boolean contains(long[] axes, int i, int rank) {
        return Arrays.stream(axes).anyMatch(a -> (a < 0 ? a + rank : a) == i);
    }

    static long[] strides(long[] dims) {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }
}
