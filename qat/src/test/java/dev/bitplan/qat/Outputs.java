package dev.bitplan.qat;

import ai.djl.ndarray.NDManager;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.qat.graph.DjlGraph;

/** Runs an imported graph over a sample set in batches ({@link QatEvaluator#outputs}); compares outputs. */
final class Outputs {

    private Outputs() {
    }

    static float[] run(DjlGraph graph, NDManager manager, SampleSet samples, int batch) {
        return QatEvaluator.outputs(graph, manager, samples, batch);
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
