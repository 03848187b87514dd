package dev.bitplan.engine.runtime;

/** A float output of a model run: values in C order and their shape. */
public record TensorValue(float[] data, long[] shape) {

    /** Values per sample (all axes but the first). */
    public int sampleSize() {
        return shape.length == 0 || shape[0] == 0 ? data.length : (int) (data.length / shape[0]);
    }
}
