package dev.bitplan.qat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
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
import dev.bitplan.qat.graph.OnnxToDjl;
import dev.bitplan.qat.quant.QatModel;
import dev.bitplan.qat.train.DistillationLoss;
import dev.bitplan.qat.train.QatTrainer;
import dev.bitplan.qat.train.TrainingConfig;
import dev.bitplan.qat.train.TrainingData;
import dev.bitplan.qat.train.TrainingStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/**
 * Short QAT runs on the fixtures' real training splits: a few dozen steps already recover accuracy that all-4-bit PTQ
 * loses on Fashion-MNIST (scored by the engine on real test images, the tuned model exported and run as deployed); the
 * same seed gives the same weights; cancellation stops training between steps. (The one-epoch figure is a benchmark.)
 */
class QatTrainingTest {

    private static SampleSet first(SampleSet s, int n) {
        return new SampleSet(s.inputs(), s.labels(), Arrays.copyOf(s.indices(), Math.min(n, s.size())));
    }

    @Test
    void aShortRunRecoversFashionAllFourBitAccuracy() {
        OnnxModel loaded = ModelLoader.load(Fixtures.file("fashion/resnet8_fmnist.onnx"));
        EvaluationSamples samples = EvaluationSamples.load(loaded, Fixtures.file("fashion/fmnist_test.npz"),
                Fixtures.file("fashion/fmnist_calib.npz"), 512, 7);
        QatEvaluator qat = new QatEvaluator(PreparedModel.of(loaded), samples.calibration(), first(samples.validation(), 3000),
                QuantizationOptions.defaults(), Metric.ACCURACY, RuntimeOptions.defaults(), ProgressListener.NONE);
        List<TrainingStep> steps = new ArrayList<>();
        QatEvaluator.Result r;
        // the 20,000 training images streamed from their spill on disk, a batch at a time
        try (TrainingData train = TrainingData.streamed(EvaluationSamples.streamed(loaded, Fixtures.file("fashion/fmnist_train_20k.npz")))) {
            r = qat.evaluate(QuantPlan.uniform(4, 8), train, TrainingConfig.defaults().withSteps(40), steps::add, () -> false);
        }
        System.out.printf("fashion W4A8 on 3000 test images: FP32 %.4f, PTQ %.4f, QAT (40 steps of 64) %.4f, deployed %.4f, "
                + "trained graph %.4f; loss %.4f -> %.4f; %.0f samples/s%n", r.fp32Metric(), r.ptqMetric(), r.qatMetric(),
                r.deployedMetric(), r.trainedGraphMetric(), r.training().firstLoss(), r.training().lastLoss(),
                r.training().samplesPerSecond());
        assertEquals(40, steps.size(), "one progress event per step");
        assertEquals(40 * 64, steps.get(39).samplesSeen());
        assertTrue(r.training().lastLoss() < r.training().firstLoss() / 2, "distillation loss falls");
        assertTrue(r.qatMetric() >= r.ptqMetric() + 0.005, "QAT " + r.qatMetric() + " against PTQ " + r.ptqMetric());
        assertEquals(r.qatMetric(), r.deployedMetric(), 0.002, "the export as deployed");
        assertEquals(r.trainedGraphMetric(), r.qatMetric(), 0.005, "the engine's scoring of the written-back model vs the DJL graph");
        assertEquals(0, r.scalesMoved(), "the engine derives the trained grids from the written-back weights");
        TrainingData.Footprint data = r.training().data();
        System.out.printf("training data: %,d bytes on disk, %,d held, largest batch %,d bytes%n", data.bytesOnDisk(),
                data.heldBytes(), data.largestBatchBytes());
        assertEquals(20_000L * 28 * 28 * 4 + 20_000L * 8, data.bytesOnDisk(), "the images and labels decompressed to disk");
        assertEquals(0, data.heldBytes(), "nothing of the training set stays in the heap between steps");
        assertEquals(64L * 28 * 28 * 4, data.largestBatchBytes(), "one batch of 64 images (labels not read for distillation)");
    }

    /**
     * A plan that smooths layers (SmoothQuant per layer) trains their weights in the smoothed space, writes them back
     * unsmoothed, and the tuned model is smoothed again with the very scales it trained with: the engine's scoring of the
     * written-back model is the trained graph's, to float rounding, and the export runs as scored. BGE-small: every
     * LayerNorm reader smoothed (Q, K, V at 8 bits, the FFN's first MatMul at 4), the other MatMuls at 8 bits.
     */
    @Test
    void aPlanThatSmoothsLayersTrainsAndDeploysWithTheScalesItTrainedWith() {
        OnnxModel loaded = ModelLoader.load(Fixtures.model(Fixtures.BGE_SMALL));
        EvaluationSamples all = EvaluationSamples.load(loaded, Fixtures.file("text/license_text_64.npz"), null, 64, 0);
        int[] v = all.validation().indices();
        SampleSet validation = new SampleSet(all.validation().inputs(), null, Arrays.copyOf(v, 32));
        SampleSet train = new SampleSet(all.validation().inputs(), null, Arrays.copyOfRange(v, 32, 96));
        PreparedModel model = PreparedModel.of(loaded);
        QatEvaluator qat = new QatEvaluator(model, all.calibration(), validation, QuantizationOptions.defaults(), Metric.SENTENCE_COSINE,
                RuntimeOptions.defaults(), ProgressListener.NONE);
        java.util.Set<String> smoothable = qat.ptq().quantizer().smoothableLayers();
        QuantPlan plan = QuantPlan.uniform(8, 8);
        for (String layer : smoothable) {
            plan = plan.with(layer, LayerChoice.of(layer.contains("/intermediate/") ? 4 : 8, 8).withSmoothed(true));
        }
        assertEquals(48, qat.ptq().quantizer().smoothedLayers(plan).size());
        QatEvaluator.Result r = qat.evaluate(plan, TrainingData.held(train),
                TrainingConfig.defaults().withSteps(6).withBatchSize(8).withLearningRate(1e-5), s -> { }, () -> false);
        System.out.printf("bge-small, 48 smoothed layers, 6 steps of 8 sentences: PTQ %.4f, QAT %.4f, deployed %.4f, trained graph "
                + "%.4f; scales moved %d; %.1f s%n", r.ptqMetric(), r.qatMetric(), r.deployedMetric(), r.trainedGraphMetric(),
                r.scalesMoved(), r.training().seconds());
        assertEquals(r.trainedGraphMetric(), r.qatMetric(), 2e-4, "the engine's scoring of the written-back model vs the DJL graph");
        assertEquals(r.qatMetric(), r.deployedMetric(), 2e-4, "the export as deployed");
        // scales measured anew from the written-back weights moved 31,637 weight scales and the metric by 7e-4
        assertEquals(0, r.scalesMoved(), "the tuned model's smoothed weights are quantized on the grids they trained on");
        assertTrue(r.exported().notes().stream().anyMatch(n -> n.startsWith("SmoothQuant alpha 0.5: 24 LayerNorm outputs smoothed "
                + "into the weights of 48 MatMul layers")), r.exported().notes().toString());
    }

    private record Mnist(PlanEvaluator engine, SampleSet train) {
    }

    private static Mnist mnist() {
        OnnxModel loaded = ModelLoader.load(Fixtures.file("mnist/resnet8_bn.onnx"));
        EvaluationSamples samples = EvaluationSamples.load(loaded, Fixtures.file("mnist/mnist_test.npz"),
                Fixtures.file("mnist/mnist_calib.npz"), 128, 7);
        PlanEvaluator engine = new PlanEvaluator(PreparedModel.of(loaded), samples.calibration(), first(samples.validation(), 64),
                QuantizationOptions.defaults(), Metric.ACCURACY, RuntimeOptions.defaults(), ProgressListener.NONE);
        return new Mnist(engine, first(EvaluationSamples.whole(loaded, Fixtures.file("mnist/mnist_train.npz")), 1024));
    }

    /** Trains {@code steps} steps; returns the tuned float model's bytes. */
    private static byte[] train(Mnist m, TrainingConfig config, List<TrainingStep> seen, java.util.function.BooleanSupplier cancelled) {
        try (NDManager manager = DjlRuntime.newManager()) {
            QatModel student = QatModel.of(m.engine().quantizer(), QuantPlan.uniform(4, 8), manager);
            var teacher = OnnxToDjl.importModel(m.engine().floatModel().folded().proto(), manager);
            new QatTrainer(config, new DistillationLoss(Metric.ACCURACY, config.temperature(), config.labelWeight()))
                    .train(student, teacher, TrainingData.held(m.train()), manager, seen::add, cancelled);
            return student.tunedFloatModel().model().toByteArray();
        }
    }

    @Test
    void theSameSeedGivesTheSameWeights() {
        Mnist m = mnist();
        TrainingConfig config = TrainingConfig.defaults().withSteps(4).withBatchSize(32).withLearningRate(1e-3).withLabelWeight(0.5);
        byte[] a = train(m, config.withSeed(11), new ArrayList<>(), () -> false);
        byte[] b = train(m, config.withSeed(11), new ArrayList<>(), () -> false);
        byte[] c = train(m, config.withSeed(12), new ArrayList<>(), () -> false);
        assertTrue(Arrays.equals(a, b), "seed 11 twice");
        assertFalse(Arrays.equals(a, c), "another seed draws other batches");
    }

    @Test
    void cancellationStopsTrainingBetweenSteps() {
        Mnist m = mnist();
        List<TrainingStep> seen = new ArrayList<>();
        CancellationException e = assertThrows(CancellationException.class,
                () -> train(m, TrainingConfig.defaults().withSteps(50).withBatchSize(16), seen, () -> seen.size() >= 3));
        assertEquals(3, seen.size());
        assertTrue(e.getMessage().contains("3 of 50"), e.getMessage());
    }
}
