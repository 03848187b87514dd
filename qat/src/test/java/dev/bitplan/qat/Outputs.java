package dev.bitplan.qat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.qat.graph.DjlGraph;
import dev.bitplan.qat.train.BatchFeeder;
import java.util.Arrays;

/** Runs an imported graph over a sample set in batches: its first output, samples x width, as the engine lays it out. */
final class Outputs {

    private Outputs() {
    }

    static float[] run(DjlGraph graph, NDManager manager, SampleSet samples, int batch) {
        float[] out = null;
        int width = 0;
        int[] indices = samples.indices();
        for (int start = 0; start < indices.length; start += batch) {
            int[] picked = Arrays.copyOfRange(indices, start, Math.min(indices.length, start + batch));
            try (NDScope ignored = new NDScope()) {
                NDArray y = graph.run(manager, BatchFeeder.feed(manager, samples.inputs(), picked)).get(graph.outputs().get(0));
                float[] values = y.toFloatArray();
                if (out == null) {
                    width = values.length / picked.length;
                    out = new float[width * indices.length];
                }
                System.arraycopy(values, 0, out, start * width, values.length);
            }
        }
        return out;
    }

    /** max |a - b| over the largest |b|: the error relative to the outputs' scale. */
    static double relativeError(float[] a, float[] b) {
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            maxRef = Math.max(maxRef, Math.abs(b[i]));
        }
        return maxDiff / maxRef;
    }
}
