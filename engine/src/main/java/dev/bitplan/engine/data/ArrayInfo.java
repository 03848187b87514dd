package dev.bitplan.engine.data;

/**
 * What a file says about one array before its values are looked at: name, element type and shape. Held arrays
 * ({@link NdArray}) and arrays left on disk ({@link SpilledArray}) are matched to a model's inputs by it alike.
 */
public interface ArrayInfo {

    String name();

    DType dtype();

    long[] shape();

    default int rank() {
        return shape().length;
    }

    /** Size of the first axis: the number of samples. */
    default int sampleCount() {
        long[] shape = shape();
        return shape.length == 0 ? 1 : Math.toIntExact(shape[0]);
    }
}
