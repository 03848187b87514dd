package dev.bitplan.qat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.eval.EvaluationSamples;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.qat.graph.DjlGraph;
import dev.bitplan.qat.graph.OnnxToDjl;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The imported FP32 graph computes what ONNX Runtime computes, on the trained fixture CNNs with real images and on
 * BGE-small with real sentences (compared on real tokens only: padding positions are not part of the model's answer).
 */
class OnnxToDjlParityTest {

    static final double TOLERANCE = 1e-4;

    private static SampleSet first(SampleSet s, int n) {
        return new SampleSet(s.inputs(), s.labels(), Arrays.copyOf(s.indices(), Math.min(n, s.size())));
    }

    private static PlanEvaluator onnxRuntime(OnnxModel loaded, SampleSet samples, SampleSet calibration, Metric metric) {
        return new PlanEvaluator(PreparedModel.of(loaded), calibration, samples, QuantizationOptions.defaults(), metric,
                RuntimeOptions.defaults(), ProgressListener.NONE);
    }

    private static double cnnError(String model, String data) {
        OnnxModel loaded = ModelLoader.load(Fixtures.file(model));
        EvaluationSamples samples = EvaluationSamples.load(loaded, Fixtures.file(data), null, 16, 3);
        SampleSet few = first(samples.validation(), 512);
        PlanEvaluator ort = onnxRuntime(loaded, few, samples.calibration(), Metric.ACCURACY);
        try (NDManager manager = DjlRuntime.newManager()) {
            DjlGraph graph = OnnxToDjl.importModel(ort.model().folded().proto(), manager);
            float[] djl = Outputs.run(graph, manager, few, 64);
            float[] reference = ort.referenceOutputs();
            assertEquals(reference.length, djl.length);
            return Outputs.relativeError(djl, reference);
        }
    }

    @Test
    void fashionResnet8MatchesOnnxRuntime() {
        double error = cnnError("fashion/resnet8_fmnist.onnx", "fashion/fmnist_test.npz");
        System.out.printf("fashion resnet8 FP32 DJL vs ORT: max error %.3g of the largest logit%n", error);
        assertTrue(error < TOLERANCE, "relative error " + error);
    }

    @Test
    void mnistResnet8MatchesOnnxRuntime() {
        double error = cnnError("mnist/resnet8_bn.onnx", "mnist/mnist_test.npz");
        System.out.printf("mnist resnet8 FP32 DJL vs ORT: max error %.3g of the largest logit%n", error);
        assertTrue(error < TOLERANCE, "relative error " + error);
    }

    @Test
    void bgeSmallMatchesOnnxRuntimeOnRealTokens() {
        OnnxModel loaded = ModelLoader.load(Fixtures.model(Fixtures.BGE_SMALL));
        EvaluationSamples samples = EvaluationSamples.load(loaded, Fixtures.file("text/license_text_64.npz"), null, 8, 0);
        SampleSet few = first(samples.validation(), 32);
        PlanEvaluator ort = onnxRuntime(loaded, few, samples.calibration(), Metric.SENTENCE_COSINE);
        try (NDManager manager = DjlRuntime.newManager()) {
            DjlGraph graph = OnnxToDjl.importModel(ort.model().folded().proto(), manager);
            float[] djl = Outputs.run(graph, manager, few, 16);
            float[] reference = ort.referenceOutputs();
            assertEquals(reference.length, djl.length);
            long[] mask = few.inputs().get("attention_mask").selectSamples(few.indices()).toLongArray();
            int hidden = djl.length / mask.length;
            double maxDiff = 0;
            double maxRef = 0;
            for (int t = 0; t < mask.length; t++) {
                if (mask[t] == 0) {
                    continue;
                }
                for (int h = 0; h < hidden; h++) {
                    int i = t * hidden + h;
                    maxDiff = Math.max(maxDiff, Math.abs(djl[i] - reference[i]));
                    maxRef = Math.max(maxRef, Math.abs(reference[i]));
                }
            }
            double error = maxDiff / maxRef;
            System.out.printf("bge-small FP32 DJL vs ORT on %d sentences: max error %.3g of the largest value (%.3g absolute)%n",
                    few.size(), error, maxDiff);
            assertTrue(error < TOLERANCE, "relative error " + error);
        }
    }
}
