package dev.bitplan.qat;

import ai.djl.ndarray.NDManager;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.eval.EvaluationSamples;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.qat.graph.OnnxToDjl;
import dev.bitplan.qat.quant.QatModel;
import dev.bitplan.qat.train.DistillationLoss;
import dev.bitplan.qat.train.QatTrainer;
import dev.bitplan.qat.train.StepListener;
import dev.bitplan.qat.train.TrainingConfig;
import dev.bitplan.qat.train.TrainingData;
import dev.bitplan.qat.train.TrainingResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * QAT training throughput alone (no scoring), for the speed figure against PyTorch eager QAT of the same net
 * ({@code docs/reference/pytorch_qat_speed.py}): the Fashion ResNet-8 at all-4-bit per channel, W4A8, batch 64, Adam,
 * distillation from the FP32 teacher, {@code qat.speed.steps} steps (default 150) after 20 to warm up. Run with
 * {@code ./mvnw -o -q -pl qat -am verify -Dsurefire.failIfNoSpecifiedTests=false -Dtest=QatSpeedBench -Dqat.excludedGroups=}.
 */
@Tag("bench")
class QatSpeedBench {

    @Test
    void fashionAllFourBit() {
        OnnxModel loaded = ModelLoader.load(Fixtures.file("fashion/resnet8_fmnist.onnx"));
        EvaluationSamples samples = EvaluationSamples.load(loaded, Fixtures.file("fashion/fmnist_test.npz"),
                Fixtures.file("fashion/fmnist_calib.npz"), 512, 7);
        PlanEvaluator ptq = new PlanEvaluator(PreparedModel.of(loaded), samples.calibration(), samples.validation(),
                QuantizationOptions.defaults(), Metric.ACCURACY, RuntimeOptions.defaults(), ProgressListener.NONE);
        QuantPlan plan = QuantPlan.uniform(4, 8);
        int steps = Integer.getInteger("qat.speed.steps", 150);
        try (NDManager manager = DjlRuntime.newManager();
             TrainingData train = TrainingData.streamed(EvaluationSamples.streamed(loaded, Fixtures.file("fashion/fmnist_train_20k.npz")))) {
            QatModel student = QatModel.of(ptq.quantizer(), plan, manager);
            var teacher = OnnxToDjl.importModel(ptq.floatModel().folded().proto(), manager);
            DistillationLoss loss = new DistillationLoss(Metric.ACCURACY, 1, 0);
            new QatTrainer(TrainingConfig.defaults().withSteps(20), loss).train(student, teacher, train, manager, StepListener.NONE, () -> false);
            if (System.getProperty("qat.speed.trace") != null) {
                // PyTorch's profiler over 10 steps, as a Chrome trace (ops of the training thread)
                ai.djl.pytorch.jni.JniUtils.startProfile(false, true, false);
                new QatTrainer(TrainingConfig.defaults().withSteps(10), loss).train(student, teacher, train, manager, StepListener.NONE, () -> false);
                ai.djl.pytorch.jni.JniUtils.stopProfile(System.getProperty("qat.speed.trace"));
            }
            double[] last = {0};
            TrainingResult r = new QatTrainer(TrainingConfig.defaults().withSteps(steps), loss)
                    .train(student, teacher, train, manager, s -> {
                        if (s.step() % 25 == 0) {
                            System.out.printf("QATSPEED  steps %d-%d: %.1f ms a step%n", s.step() - 24, s.step(), 1000 * (s.seconds() - last[0]) / 25);
                            last[0] = s.seconds();
                        }
                    }, () -> false);
            System.out.printf("QATSPEED %d steps of 64: %.1f s, %.0f samples/s, %.1f ms a step (libtorch threads %s)%n", r.steps(),
                    r.seconds(), r.samplesPerSecond(), 1000 * r.seconds() / r.steps(), System.getProperty("ai.djl.pytorch.num_threads",
                            DjlRuntime.DEFAULT_THREADS));
        }
    }

    /**
     * BGE-small, FFN MatMuls at 4 bits and the rest at 8 with dynamic activations, batches of 16 sentences: by length
     * (the default), then at random (each batch padded to its longest sentence).
     */
    @Test
    void bgeSmallMixedPlan() {
        OnnxModel loaded = ModelLoader.load(Fixtures.model(Fixtures.BGE_SMALL));
        EvaluationSamples all = EvaluationSamples.load(loaded, Fixtures.file("text/license_text_64.npz"), null, 128, 0);
        PlanEvaluator ptq = new PlanEvaluator(PreparedModel.of(loaded), all.calibration(), all.validation(),
                QuantizationOptions.defaults(), Metric.SENTENCE_COSINE, RuntimeOptions.defaults(), ProgressListener.NONE);
        QuantPlan plan = QuantPlan.uniform(8, 8);
        for (dev.bitplan.engine.layers.Layer l : ptq.model().layers()) {
            if (l.kind() == dev.bitplan.engine.layers.LayerKind.MATMUL && (l.name().contains("/intermediate/")
                    || l.name().matches(".*/layer\\.\\d+/output/.*"))) {
                plan = plan.with(l.name(), dev.bitplan.contracts.plan.LayerChoice.of(4, 8));
            }
        }
        int steps = Integer.getInteger("qat.speed.steps", 20);
        try (NDManager manager = DjlRuntime.newManager(); TrainingData train = TrainingData.held(all.validation())) {
            QatModel student = QatModel.of(ptq.quantizer(), plan, manager);
            var teacher = OnnxToDjl.importModel(ptq.floatModel().folded().proto(), manager);
            DistillationLoss loss = new DistillationLoss(Metric.SENTENCE_COSINE, 1, 0);
            TrainingConfig config = TrainingConfig.defaults().withBatchSize(16).withLearningRate(1e-5);
            new QatTrainer(config.withSteps(3), loss).train(student, teacher, train, manager, StepListener.NONE, () -> false);
            if (System.getProperty("qat.speed.trace") != null) {
                ai.djl.pytorch.jni.JniUtils.startProfile(false, true, false);
                new QatTrainer(config.withSteps(3), loss).train(student, teacher, train, manager, StepListener.NONE, () -> false);
                ai.djl.pytorch.jni.JniUtils.stopProfile(System.getProperty("qat.speed.trace"));
            }
            for (boolean byLength : new boolean[] {true, false}) {
                TrainingResult r = new QatTrainer(config.withSteps(steps).withGroupByLength(byLength), loss)
                        .train(student, teacher, train, manager, StepListener.NONE, () -> false);
                System.out.printf("QATSPEED bge-small %d steps of 16 %s: %.1f s, %.1f samples/s, %.0f ms a step%n", r.steps(),
                        byLength ? "by length" : "at random", r.seconds(), r.samplesPerSecond(), 1000 * r.seconds() / r.steps());
            }
        }
    }
}
