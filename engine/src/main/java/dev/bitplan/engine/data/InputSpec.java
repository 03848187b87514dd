package dev.bitplan.engine.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One model input as a dataset must feed it: name, element type and shape, the first axis being the
 * batch. A negative dimension ({@link #DYNAMIC}) is not fixed by the model, e.g. a dynamic batch.
 */
public record InputSpec(String name, DType dtype, long[] shape) {

    /** A dimension the model leaves open. */
    public static final long DYNAMIC = -1;

    public InputSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = Objects.requireNonNull(shape, "shape").clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The shape of one sample: every dimension after the batch axis. */
    public long[] sampleShape() {
        return shape.length == 0 ? new long[0] : Arrays.copyOfRange(shape, 1, shape.length);
    }

    /** Shapes as users read them: "[?, 1, 28, 28]", with '?' for a dynamic dimension. */
    static String describe(long[] shape) {
        return Arrays.stream(shape).mapToObj(d -> d < 0 ? "?" : Long.toString(d))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    // records compare arrays by identity; a spec is a value, so compare the shape's contents
    @Override
    public boolean equals(Object o) {
        return o instanceof InputSpec other && name.equals(other.name) && dtype == other.dtype
                && Arrays.equals(shape, other.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return name + ":" + dtype + describe(shape);
    }
}
