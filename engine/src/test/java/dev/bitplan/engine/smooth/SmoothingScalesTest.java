package dev.bitplan.engine.smooth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.eval.SmoothQuantPass;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import dev.bitplan.engine.runtime.BatchRunner;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.testmodels.GraphBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SmoothQuant's scales on a graph small enough to compute them by hand. */
class SmoothingScalesTest {

    private static final float[] GAMMA = {2, 0.5f, 1, 0};
    private static final float[] BETA = {0, 1, -3, 0};
    /** Two readers of one LayerNorm, [4, 2] each: s must use the larger |w| of each row over both. */
    private static final float[] W1 = {1, -2, 0.5f, 0.25f, 4, 1, 3, 0};
    private static final float[] W2 = {-3, 1, 0.5f, -1, 2, 2, 0.1f, 0};
    /** Three samples of x; channel 3 is dead after the LayerNorm (gamma 0, beta 0). */
    private static final float[] X = {1, -4, 0, 7, -3, 2, 1, 1, 0.5f, 0, -1, 2};

    private static PreparedModel model() {
        GraphBuilder b = new GraphBuilder("two_readers").opset(13);
        String x = b.input("input", GraphBuilder.FLOAT, "batch", 4);
        String n = b.node("Add").name("/ln/Add_1").inputs(
                b.node("Mul").name("/ln/Mul").inputs(x, b.floatInitializer("ln.weight", GAMMA, 4)).add(),
                b.floatInitializer("ln.bias", BETA, 4)).add();
        b.node("MatMul").name("/a/MatMul").inputs(n, b.floatInitializer("a.weight", W1, 4, 2)).outputs("a").add();
        b.node("MatMul").name("/b/MatMul").inputs(n, b.floatInitializer("b.weight", W2, 4, 2)).outputs("b").add();
        b.output("a", GraphBuilder.FLOAT, "batch", 2);
        b.output("b", GraphBuilder.FLOAT, "batch", 2);
        return PreparedModel.of(new OnnxModel(b.build()));
    }

    @Test
    void scalesFollowTheFormulaOverAllReadersAndFoldAsTheyShould() {
        double alpha = 0.6;
        PreparedModel model = model();
        SampleSet samples = new SampleSet(Map.of("input", NdArray.ofFloats("input", new long[] {3, 4}, X)), null, BatchRunner.range(3));
        SmoothQuantPass.Result r = SmoothQuantPass.apply(model, samples, alpha, new RuntimeOptions(1, true), ProgressListener.NONE);
        assertEquals(1, r.sites().size());
        float[] s = r.scales().get("/ln/Add_1_output_0");
        for (int j = 0; j < 4; j++) {
            double act = 0;
            for (int i = 0; i < 3; i++) {
                act = Math.max(act, Math.abs(X[i * 4 + j] * GAMMA[j] + BETA[j]));
            }
            double w = Math.max(Math.max(Math.abs(W1[2 * j]), Math.abs(W1[2 * j + 1])), Math.max(Math.abs(W2[2 * j]), Math.abs(W2[2 * j + 1])));
            double expected = Math.pow(Math.max(act, 1e-5), alpha) / Math.pow(Math.max(w, 1e-5), 1 - alpha);
            assertEquals(expected, s[j], 1e-6 * expected, "channel " + j);
        }
        // channel 0: |x| max 3 * 2 = 6, |w| max 3 -> 6^0.6 / 3^0.4; channel 3 (dead): the floors keep s finite and above 0
        assertEquals(Math.pow(6, 0.6) / Math.pow(3, 0.4), s[0], 1e-5);
        assertTrue(s[3] >= SmoothingScales.MIN_SCALE && Float.isFinite(s[3]));

        OnnxModel smoothed = r.model().folded();
        float[] gamma = Tensors.floats(smoothed.initializer("ln.weight").orElseThrow());
        float[] beta = Tensors.floats(smoothed.initializer("ln.bias").orElseThrow());
        float[] w1 = Tensors.floats(smoothed.initializer("a.weight").orElseThrow());
        float[] w2 = Tensors.floats(smoothed.initializer("b.weight").orElseThrow());
        for (int j = 0; j < 4; j++) {
            assertEquals(GAMMA[j] / s[j], gamma[j], 1e-6);
            assertEquals(BETA[j] / s[j], beta[j], 1e-6);
            for (int k = 0; k < 2; k++) {
                assertEquals(W1[2 * j + k] * s[j], w1[2 * j + k], 1e-5, "row " + j + " of the first reader");
                assertEquals(W2[2 * j + k] * s[j], w2[2 * j + k], 1e-5, "row " + j + " of the second reader");
            }
        }
        assertEquals(model.folded().nodes().size(), smoothed.nodes().size(), "no reader to restore, so no node added");
    }

    @Test
    void theFormulaAtItsEnds() {
        float[] act = {8, 1};
        float[] w = {2, 4};
        float[] half = SmoothingScales.of(act, w, 0.5);
        assertEquals(2, half[0], 1e-6, "sqrt(8 / 2): both ranges become sqrt(8 * 2) = 4");
        assertEquals(0.5, half[1], 1e-6, "sqrt(1 / 4)");
        assertThrows(IllegalArgumentException.class, () -> SmoothingScales.of(act, w, 1));
        assertThrows(IllegalArgumentException.class, () -> SmoothingScales.of(act, w, 0));
    }
}
