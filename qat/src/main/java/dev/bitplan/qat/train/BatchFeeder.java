package dev.bitplan.qat.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.bitplan.engine.data.NdArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Copies one batch of samples from the dataset's arrays into DJL arrays: only the selected rows are copied, never the
 * whole dataset per step.
 */
public final class BatchFeeder {

    private BatchFeeder() {
    }

    /** The model inputs of the samples at {@code indices}, in {@code manager}, in the element type the model declares. */
    public static Map<String, NDArray> feed(NDManager manager, Map<String, NdArray> inputs, int[] indices) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        inputs.forEach((name, array) -> out.put(name, toNDArray(manager, array.selectSamples(indices))));
        return out;
    }

    static NDArray toNDArray(NDManager manager, NdArray a) {
        Shape shape = new Shape(a.shape());
        if (a.dtype().isFloating()) {
            return manager.create(a.toFloatArray(), shape);
        }
        NDArray longs = manager.create(a.toLongArray(), shape);
        return switch (a.dtype()) {
            case INT64 -> longs;
            case INT32 -> longs.toType(DataType.INT32, false);
            case BOOL -> longs.toType(DataType.BOOLEAN, false);
            case INT8 -> longs.toType(DataType.INT8, false);
            case UINT8 -> longs.toType(DataType.UINT8, false);
            default -> throw new IllegalArgumentException("array '" + a.name() + "' of type " + a.dtype());
        };
    }
}
