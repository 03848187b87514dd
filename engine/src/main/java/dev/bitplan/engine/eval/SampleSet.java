package dev.bitplan.engine.eval;

import dev.bitplan.engine.data.NdArray;
import java.util.Map;

/**
 * Some samples of a dataset: the arrays by model input name, the labels (or null) and which samples
 * (first-axis indices) belong to the set.
 */
public record SampleSet(Map<String, NdArray> inputs, long[] labels, int[] indices) {

    public int size() {
        return indices.length;
    }

    /** Labels of the selected samples, in selection order, or null when the dataset has none. */
    public long[] selectedLabels() {
        if (labels == null) {
            return null;
        }
        long[] out = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = labels[indices[i]];
        }
        return out;
    }
}
