package dev.bitplan.qat;

import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.eval.EvaluationSamples;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerKind;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.qat.train.TrainingConfig;
import dev.bitplan.qat.train.TrainingData;
import java.util.Arrays;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The figures of the QAT issue, too long for CI (excluded by the {@code bench} tag; run with
 * {@code ./mvnw -o -pl qat -am verify -Dsurefire.failIfNoSpecifiedTests=false -Dtest=QatBench -Dqat.excludedGroups=}):
 * one epoch of {@code fmnist_train_20k.npz} on the Fashion ResNet-8 at all-4-bit per channel, all-4-bit per tensor and
 * all-8-bit, scored on all 10,000 test images; 200 steps of BGE-small at a mixed 4/8-bit plan on real sentences, batched
 * by length and at random, and by length with SmoothQuant on the LayerNorms' readers.
 */
@Tag("bench")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QatBench {

    private static void fashion(String what, QuantPlan plan, QuantizationOptions options) {
        fashion(what, plan, options, TrainingConfig.defaults().withEpochs(1));
    }

    private static void fashion(String what, QuantPlan plan, QuantizationOptions options, TrainingConfig config) {
        OnnxModel loaded = ModelLoader.load(Fixtures.file("fashion/resnet8_fmnist.onnx"));
        EvaluationSamples samples = EvaluationSamples.load(loaded, Fixtures.file("fashion/fmnist_test.npz"),
                Fixtures.file("fashion/fmnist_calib.npz"), 512, 7);
        QatEvaluator qat = new QatEvaluator(PreparedModel.of(loaded), samples.calibration(), samples.validation(), options,
                Metric.ACCURACY, RuntimeOptions.defaults(), ProgressListener.NONE);
        try (TrainingData train = TrainingData.streamed(EvaluationSamples.streamed(loaded, Fixtures.file("fashion/fmnist_train_20k.npz")))) {
            report(what, qat.evaluate(plan, train, config, QatBench::progress, () -> false));
        }
    }

    private static void progress(dev.bitplan.qat.train.TrainingStep s) {
        if (s.step() % 50 == 0 || s.step() == s.totalSteps()) {
            System.out.printf("  step %d/%d loss %.5f lr %.2e %.1f s%n", s.step(), s.totalSteps(), s.loss(), s.learningRate(), s.seconds());
        }
    }

    private static void report(String what, QatEvaluator.Result r) {
        double recovered = (r.qatMetric() - r.ptqMetric()) / (r.fp32Metric() - r.ptqMetric());
        System.out.printf("%s: FP32 %.4f PTQ %.4f QAT %.4f (deployed %.4f, trained graph %.4f; %.0f%% of the drop recovered); "
                        + "%d steps, %d samples, %.1f s, %.0f samples/s; loss %.5f -> %.5f; scales moved %d%n", what, r.fp32Metric(),
                r.ptqMetric(), r.qatMetric(), r.deployedMetric(), r.trainedGraphMetric(), 100 * recovered, r.training().steps(),
                r.training().samples(), r.training().seconds(), r.training().samplesPerSecond(), r.training().firstLoss(),
                r.training().lastLoss(), r.scalesMoved());
        if (r.rangesLearned() > 0) {
            System.out.printf("  %d activation ranges learned%n", r.rangesLearned());
        }
    }

    @Test
    @Order(1)
    void fashionAllFourBitPerChannel() {
        fashion("fashion W4A8 per-channel, 1 epoch", QuantPlan.uniform(4, 8), QuantizationOptions.defaults());
    }

    @Test
    @Order(2)
    void fashionAllFourBitPerTensor() {
        fashion("fashion W4A8 per-tensor, 1 epoch", QuantPlan.uniform(4, 8), QuantizationOptions.defaults().withPerChannel(false));
    }

    @Test
    @Order(2)
    void fashionAllFourBitPerChannelLearnedRanges() {
        fashion("fashion W4A8 per-channel, learned activation ranges, 1 epoch", QuantPlan.uniform(4, 8), QuantizationOptions.defaults(),
                TrainingConfig.defaults().withEpochs(1).withLearnRanges(true));
    }

    @Test
    @Order(3)
    void fashionAllEightBit() {
        fashion("fashion W8A8 per-channel, 1 epoch", QuantPlan.uniform(8, 8), QuantizationOptions.defaults());
    }

    /** FFN MatMuls at 4 bits, attention and embeddings at 8, dynamic activations; trained on sentences it is not scored on. */
    @Test
    @Order(4)
    void bgeSmallMixedPlan() {
        bgeSmall(false, true);
    }

    /** The same plan trained on random batches of sentences, padded to each batch's longest: what QAT did before 12-05. */
    @Test
    @Order(4)
    void bgeSmallMixedPlanRandomBatches() {
        bgeSmall(false, false);
    }

    /** The same plan with SmoothQuant (alpha 0.5) on the 48 MatMuls that read a LayerNorm. */
    @Test
    @Order(5)
    void bgeSmallMixedPlanSmoothed() {
        bgeSmall(true, true);
    }

    private static void bgeSmall(boolean smoothed, boolean byLength) {
        OnnxModel loaded = ModelLoader.load(Fixtures.model(Fixtures.BGE_SMALL));
        EvaluationSamples all = EvaluationSamples.load(loaded, Fixtures.file("text/license_text_64.npz"), null, 128, 0);
        int[] v = all.validation().indices();
        SampleSet validation = new SampleSet(all.validation().inputs(), null, Arrays.copyOf(v, 192));
        SampleSet train = new SampleSet(all.validation().inputs(), null, Arrays.copyOfRange(v, 192, v.length));
        PreparedModel model = PreparedModel.of(loaded);
        QatEvaluator qat = new QatEvaluator(model, all.calibration(), validation, QuantizationOptions.defaults(), Metric.SENTENCE_COSINE,
                RuntimeOptions.defaults(), ProgressListener.NONE);
        java.util.Set<String> smoothable = smoothed ? qat.ptq().quantizer().smoothableLayers() : java.util.Set.of();
        QuantPlan plan = QuantPlan.uniform(8, 8);
        for (Layer l : model.layers()) {
            boolean ffn = l.kind() == LayerKind.MATMUL
                    && (l.name().contains("/intermediate/") || l.name().matches(".*/layer\\.\\d+/output/.*"));
            LayerChoice choice = LayerChoice.of(ffn ? 4 : 8, 8);
            plan = plan.with(l.name(), smoothable.contains(l.name()) ? choice.withSmoothed(true) : choice);
        }
        System.out.println("bge plan: FFN MatMuls at 4 bits of " + model.layers().size() + " layers, "
                + qat.ptq().quantizer().smoothedLayers(plan).size() + " smoothed");
        int steps = Integer.getInteger("qat.bench.bgeSteps", 200);
        report("bge-small mixed 4/8" + (smoothed ? ", SmoothQuant readers" : "") + ", " + steps + " steps of 16 "
                + (byLength ? "by length" : "at random") + " (" + train.size() + " training sentences)", qat.evaluate(plan,
                TrainingData.held(train), TrainingConfig.defaults().withSteps(steps).withBatchSize(16).withLearningRate(1e-5)
                        .withGroupByLength(byLength), QatBench::progress, () -> false));
    }
}
