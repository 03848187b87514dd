package dev.bitplan.qat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.calib.ActivationQuantParams;
import dev.bitplan.engine.eval.EvaluationSamples;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import dev.bitplan.engine.qdq.PlanRewriter;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.qat.graph.FakeQuant;
import dev.bitplan.qat.train.TrainingConfig;
import dev.bitplan.qat.train.TrainingData;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Learned activation ranges (LSQ): the gradient of the scale by hand, and a run whose learned scales the export carries. */
class LearnedRangesTest {

    /**
     * s = 0.1, z = 10 (range [-1.0, 24.5]), 8 values per sample: forward as the fixed-scale form; d/dx 1 inside, 0 outside;
     * d/ds = g * sum(round(x / s) - x / s inside, the clipped level outside) with g = 1 / sqrt(8 * 245).
     */
    @Test
    void theScaleGradientIsLsqs() {
        float[] x = {-1.2f, -0.26f, 0.04f, 0.16f, 0.33f, 2.47f, 24.4f, 30f};
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray in = m.create(x, new Shape(1, x.length));
            NDArray s = m.create(0.1f);
            in.setRequiresGradient(true);
            s.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector g = Engine.getEngine("PyTorch").newGradientCollector()) {
                y = FakeQuant.learnedScale(in, s, 10f, 0f, 255f);
                g.backward(y.sum());
            }
            assertArrayEquals(FakeQuant.dequantized(m.create(x, new Shape(1, x.length)), 0.1f, 10f, 0f, 255f).toFloatArray(),
                    y.toFloatArray(), 0f);
            assertArrayEquals(new float[] {0, 1, 1, 1, 1, 1, 1, 0}, in.getGradient().toFloatArray(), 0f);
            double expected = 0;
            for (float v : x) {
                boolean inside = v >= -1.0f && v <= 24.5f;
                double level = Math.rint(Math.min(24.5f, Math.max(-1.0f, v)) / 0.1f);
                expected += inside ? level - v / 0.1f : level;
            }
            expected /= Math.sqrt(8 * 245.0);
            assertEquals(expected, s.getGradient().getFloat(), 1e-4);
        }
    }

    /** Fashion W4A8 with learned ranges: scales move, and the engine scores and exports the tuned model with them. */
    @Test
    void learnedScalesReachTheExport() {
        OnnxModel loaded = ModelLoader.load(Fixtures.file("fashion/resnet8_fmnist.onnx"));
        EvaluationSamples samples = EvaluationSamples.load(loaded, Fixtures.file("fashion/fmnist_test.npz"),
                Fixtures.file("fashion/fmnist_calib.npz"), 512, 7);
        SampleSet few = new SampleSet(samples.validation().inputs(), samples.validation().labels(),
                Arrays.copyOf(samples.validation().indices(), 2000));
        QatEvaluator qat = new QatEvaluator(PreparedModel.of(loaded), samples.calibration(), few, QuantizationOptions.defaults(),
                Metric.ACCURACY, RuntimeOptions.defaults(), ProgressListener.NONE);
        QatEvaluator.Result r;
        try (TrainingData train = TrainingData.streamed(EvaluationSamples.streamed(loaded, Fixtures.file("fashion/fmnist_train_20k.npz")))) {
            r = qat.evaluate(QuantPlan.uniform(4, 8), train, TrainingConfig.defaults().withSteps(30).withLearnRanges(true),
                    step -> { }, () -> false);
        }
        System.out.printf("fashion W4A8, 30 steps with learned ranges: PTQ %.4f QAT %.4f deployed %.4f, %d ranges learned%n",
                r.ptqMetric(), r.qatMetric(), r.deployedMetric(), r.rangesLearned());
        assertTrue(r.rangesLearned() >= 9, "every static 8-bit activation a layer reads: " + r.rangesLearned());
        assertTrue(r.qatMetric() >= r.ptqMetric(), "QAT " + r.qatMetric() + " against PTQ " + r.ptqMetric());
        assertEquals(r.qatMetric(), r.deployedMetric(), 0.002, "the export as deployed");

        // the export's activation scales are the learned ones, not a fresh calibration of the tuned model
        PlanEvaluator calibratedAgain = new PlanEvaluator(PreparedModel.of(new OnnxModel(r.tunedModel())), samples.calibration(), few,
                QuantizationOptions.defaults(), Metric.ACCURACY, RuntimeOptions.defaults(), ProgressListener.NONE);
        ModelProto exported = parse(r.exported().bytes());
        Map<String, TensorProto> initializers = new java.util.HashMap<>();
        exported.getGraph().getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        int differ = 0;
        int found = 0;
        for (var n : loaded.proto().getGraph().getNodeList()) {
            for (String tensor : n.getOutputList()) {
                TensorProto t = initializers.get(PlanRewriter.activationScaleName(tensor, 8));
                if (t == null) {
                    continue;
                }
                found++;
                ActivationQuantParams fresh = calibratedAgain.quantizer().activations().params(tensor, 8);
                differ += Tensors.floats(t)[0] != fresh.scale() ? 1 : 0;
            }
        }
        assertTrue(found > 0, "the export names its activation scales as the engine does");
        assertTrue(differ > 0, "learned scales, not recalibrated ones, in the export: " + differ + " of " + found + " differ");
    }

    private static ModelProto parse(byte[] bytes) {
        try {
            return ModelProto.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
