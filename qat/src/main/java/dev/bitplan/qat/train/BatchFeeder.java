package dev.bitplan.qat.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.bitplan.engine.data.NdArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Copies one batch of samples into DJL arrays: only the batch's rows, read by {@link TrainingData}, never the whole
 * dataset per step.
 */
public final class BatchFeeder {

    private BatchFeeder() {
    }

    /** The input that marks a token model's real tokens (1) and padding (0). */
    public static final String ATTENTION_MASK = "attention_mask";

    /**
     * A batch's rows (e.g. {@link TrainingData.Batch#inputs}) as arrays of {@code manager}, in the element type the model
     * declares. For a token model, every token input is cut after the batch's longest real sequence, as the engine's own
     * runs are: padding neither costs time nor widens a dynamic activation range.
     */
    public static Map<String, NDArray> feed(NDManager manager, Map<String, NdArray> rows) {
        Map<String, NdArray> selected = new LinkedHashMap<>(rows);
        NdArray mask = selected.get(ATTENTION_MASK);
        if (mask != null && mask.rank() == 2) {
            int tokens = (int) mask.shape()[1];
            int longest = longestReal(mask);
            if (longest < tokens) {
                selected.replaceAll((name, a) -> a.rank() >= 2 && a.shape()[1] == tokens ? a.keepLeading(longest) : a);
            }
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        selected.forEach((name, array) -> out.put(name, toNDArray(manager, array)));
        return out;
    }

    private static int longestReal(NdArray mask) {
        long[] m = mask.toLongArray();
        int tokens = (int) mask.shape()[1];
        int longest = 1;
        for (int i = 0; i < m.length; i++) {
            if (m[i] != 0) {
                longest = Math.max(longest, i % tokens + 1);
            }
        }
        return longest;
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
