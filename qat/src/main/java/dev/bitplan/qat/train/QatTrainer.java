package dev.bitplan.qat.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.Tracker;
import dev.bitplan.qat.DjlRuntime;
import dev.bitplan.qat.graph.DjlGraph;
import dev.bitplan.qat.quant.QatModel;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * The QAT loop: batches of the training samples in a seeded order (a token model's sentences batched by length unless
 * the config says not), the FP32 teacher (one batch ahead, on its own thread) and the fake-quant student on each, the
 * distillation loss, one optimizer step. Each step's arrays live in an {@link NDScope} that closes with the step; only
 * the parameters and the optimizer's state outlive it. Cancellation is checked before every step.
 */
public final class QatTrainer {

    private final TrainingConfig config;
    private final DistillationLoss loss;

    public QatTrainer(TrainingConfig config, DistillationLoss loss) {
        this.config = config;
        this.loss = loss;
    }

    public TrainingResult train(QatModel student, DjlGraph teacher, TrainingData data, NDManager manager, StepListener listener,
                                BooleanSupplier cancelled) {
        DjlRuntime.seed(config.seed());
        int total = config.totalSteps(data.size());
        Tracker schedule = CosineTracker.builder().setBaseValue((float) config.learningRate())
                .optFinalValue((float) (config.learningRate() * 0.01)).setMaxUpdates(total).build();
        Optimizer optimizer = config.optimizer() == OptimizerKind.ADAM
                ? Optimizer.adam().optLearningRateTracker(schedule).build()
                : Optimizer.sgd().setLearningRateTracker(schedule).optMomentum(0.9f).build();
        NDList parameters = student.parameters();
        String output = student.graph().outputs().get(0);
        boolean withLabels = config.labelWeight() > 0 && data.hasLabels();
        int[] lengths = config.groupByLength() ? data.realLengths(config.batchSize()).orElse(null) : null;
        BatchOrder order = new BatchOrder(IntStream.range(0, data.size()).toArray(), lengths, config.batchSize(),
                new Random(config.seed()));
        int seen = 0;
        double first = Double.NaN;
        double last = Double.NaN;
        long t0 = System.nanoTime();
        try (TeacherAhead ahead = new TeacherAhead(teacher, data, manager)) {
            Future<TeacherAhead.Batch> coming = ahead.start(order.next(), withLabels);
            for (int step = 0; step < total; step++) {
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException("QAT cancelled after " + step + " of " + total + " steps");
                }
                TeacherAhead.Batch batch = ahead.take(coming);
                coming = step + 1 < total ? ahead.start(order.next(), withLabels) : null;
                try (NDScope ignored = new NDScope()) {
                    Map<String, NDArray> feeds = BatchFeeder.feed(manager, batch.rows().inputs());
                    NDArray mask = feeds.get(BatchFeeder.ATTENTION_MASK);
                    NDArray labels = withLabels ? manager.create(batch.rows().labels()) : null;
                    NDArray value;
                    try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                        NDArray predicted = student.graph().run(manager, feeds).get(output);
                        value = loss.loss(predicted, batch.targets(manager), mask, labels);
                        collector.backward(value);
                    }
                    last = value.getFloat();
                }
                if (step == 0) {
                    first = last;
                }
                // outside the step's scope: the optimizer creates its state arrays on the first update, and they must live on
                for (int i = 0; i < parameters.size(); i++) {
                    NDArray p = parameters.get(i);
                    try (NDArray grad = p.getGradient()) {
                        optimizer.update("p" + i, p, grad);
                        grad.subi(grad); // PyTorch accumulates gradients; start the next step from zero
                    }
                }
                seen += batch.size();
                listener.onStep(new TrainingStep(step + 1, total, last, schedule.getNewValue(step + 1), seen,
                        (System.nanoTime() - t0) / 1e9));
            }
        }
        return new TrainingResult(total, seen, (System.nanoTime() - t0) / 1e9, first, last, data.footprint());
    }
}
