package dev.bitplan.engine.data;

import java.util.Arrays;

/**
 * A dense, C-ordered n-dimensional array as read from an NPZ file. Values are kept in the widest
 * Java type of their family (double for floats, long for integers and bool) only on request;
 * storage stays in the natural array type: float[] for FLOAT32, double[] for FLOAT64, long[] for
 * every integer type and bool (0/1).
 */
public final class NdArray implements ArrayInfo {

    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final float[] floats;   // FLOAT32
    private final double[] doubles; // FLOAT64
    private final long[] longs;     // integers and bool

    private NdArray(String name, DType dtype, long[] shape, float[] floats, double[] doubles, long[] longs) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.floats = floats;
        this.doubles = doubles;
        this.longs = longs;
        long expected = elementCount(shape);
        if (length() != expected) {
            throw new IllegalArgumentException("array '" + name + "' has " + length() + " values but shape "
                    + Arrays.toString(shape) + " needs " + expected);
        }
    }

    public static NdArray ofFloats(String name, long[] shape, float[] values) {
        return new NdArray(name, DType.FLOAT32, shape, values, null, null);
    }

    public static NdArray ofDoubles(String name, long[] shape, double[] values) {
        return new NdArray(name, DType.FLOAT64, shape, null, values, null);
    }

    /** Integer or bool values, widened to long. */
    public static NdArray ofLongs(String name, DType dtype, long[] shape, long[] values) {
        if (dtype.isFloating()) {
            throw new IllegalArgumentException("ofLongs needs an integer or bool dtype, got " + dtype);
        }
        return new NdArray(name, dtype, shape, null, null, values);
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public int rank() {
        return shape.length; // without the copy shape() makes
    }

    /** Number of values in one sample (product of all axes but the first). */
    public int sampleSize() {
        return shape.length == 0 ? 1 : Math.toIntExact(elementCount(Arrays.copyOfRange(shape, 1, shape.length)));
    }

    public int length() {
        if (floats != null) {
            return floats.length;
        }
        return doubles != null ? doubles.length : longs.length;
    }

    /** The values as float32 (a copy unless already FLOAT32). */
    public float[] toFloatArray() {
        if (floats != null) {
            return floats;
        }
        float[] out = new float[length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = doubles != null ? (float) doubles[i] : (float) longs[i];
        }
        return out;
    }

    /** The values as float64 (a copy unless already FLOAT64). */
    public double[] toDoubleArray() {
        if (doubles != null) {
            return doubles;
        }
        double[] out = new double[length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = floats != null ? floats[i] : (double) longs[i];
        }
        return out;
    }

    /** The values as long; floating values are rejected rather than silently truncated. */
    public long[] toLongArray() {
        if (longs == null) {
            throw new IllegalStateException("array '" + name + "' holds " + dtype + ", not integers");
        }
        return longs;
    }

    /** The samples at the given first-axis indices, in that order, as a new array. */
    public NdArray selectSamples(int[] indices) {
        int size = sampleSize();
        long[] newShape = shape.clone();
        newShape[0] = indices.length;
        if (floats != null) {
            float[] out = new float[indices.length * size];
            for (int i = 0; i < indices.length; i++) {
                System.arraycopy(floats, indices[i] * size, out, i * size, size);
            }
            return ofFloats(name, newShape, out);
        }
        if (doubles != null) {
            double[] out = new double[indices.length * size];
            for (int i = 0; i < indices.length; i++) {
                System.arraycopy(doubles, indices[i] * size, out, i * size, size);
            }
            return ofDoubles(name, newShape, out);
        }
        long[] out = new long[indices.length * size];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(longs, indices[i] * size, out, i * size, size);
        }
        return ofLongs(name, dtype, newShape, out);
    }

    /**
     * The first {@code length} positions of axis 1 of every sample, as a new array (e.g. token inputs [n, 64] trimmed
     * to [n, 23], or [n, 64, d] to [n, 23, d]).
     */
    public NdArray keepLeading(int length) {
        if (rank() < 2 || length < 0 || length > shape[1]) {
            throw new IllegalArgumentException("cannot keep " + length + " positions of axis 1 of '" + name + "' " + Arrays.toString(shape));
        }
        int samples = (int) shape[0];
        int inner = (int) (sampleSize() / shape[1]); // values per position of axis 1
        int from = (int) shape[1] * inner;
        int to = length * inner;
        long[] newShape = shape.clone();
        newShape[1] = length;
        if (floats != null) {
            float[] out = new float[samples * to];
            for (int i = 0; i < samples; i++) {
                System.arraycopy(floats, i * from, out, i * to, to);
            }
            return ofFloats(name, newShape, out);
        }
        if (doubles != null) {
            double[] out = new double[samples * to];
            for (int i = 0; i < samples; i++) {
                System.arraycopy(doubles, i * from, out, i * to, to);
            }
            return ofDoubles(name, newShape, out);
        }
        long[] out = new long[samples * to];
        for (int i = 0; i < samples; i++) {
            System.arraycopy(longs, i * from, out, i * to, to);
        }
        return ofLongs(name, dtype, newShape, out);
    }

    @Override
    public String toString() {
        return name + ":" + dtype + Arrays.toString(shape);
    }
}
