package dev.bitplan.qat.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Strides, dilations and pads of a Conv or pool node. ONNX pads each side of each spatial axis on its own; PyTorch pads
 * both sides alike, so unequal pads are applied as an explicit zero pad first.
 */
record Padding(long[] begin, long[] end, long[] strideValues, long[] dilationValues) {

    static Padding of(NodeContext c, int spatial) {
        String auto = c.stringAttr("auto_pad", "NOTSET");
        if (!"NOTSET".equals(auto) && !"VALID".equals(auto)) {
            throw c.unsupported("auto_pad=" + auto + " (give explicit pads)");
        }
        long[] pads = "VALID".equals(auto) ? null : c.intsAttr("pads");
        long[] begin = new long[spatial];
        long[] end = new long[spatial];
        if (pads != null) {
            System.arraycopy(pads, 0, begin, 0, spatial);
            System.arraycopy(pads, spatial, end, 0, spatial);
        }
        long[] strides = c.intsAttr("strides");
        long[] dilations = c.intsAttr("dilations");
        return new Padding(begin, end, strides == null ? ones(spatial) : strides, dilations == null ? ones(spatial) : dilations);
    }

    private static long[] ones(int n) {
        long[] a = new long[n];
        Arrays.fill(a, 1);
        return a;
    }

    boolean isSymmetric() {
        return Arrays.equals(begin, end);
    }

    Shape strides() {
        return new Shape(strideValues);
    }

    Shape dilations() {
        return new Shape(dilationValues);
    }

    /** The padding PyTorch applies on both sides: the pads when symmetric, else none (see {@link #explicit}). */
    Shape symmetric() {
        return new Shape(isSymmetric() ? begin : new long[begin.length]);
    }

    /** Pads unequal sides with zeros ahead of the op; returns {@code x} as is when the pads are symmetric. */
    NDArray explicit(NDArray x) {
        if (isSymmetric()) {
            return x;
        }
        // DJL's pad lists (before, after) pairs from the last axis backwards, as torch.nn.functional.pad
        long[] pairs = new long[begin.length * 2];
        for (int i = 0; i < begin.length; i++) {
            int axis = begin.length - 1 - i;
            pairs[2 * i] = begin[axis];
            pairs[2 * i + 1] = end[axis];
        }
        return x.pad(new Shape(pairs), 0);
    }
}
