package dev.bitplan.qat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.bitplan.contracts.plan.FusionMode;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.eval.SequenceBuckets;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.qdq.ExportedModel;
import dev.bitplan.engine.qdq.QuantizedWeightCache;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.qat.graph.DjlGraph;
import dev.bitplan.qat.graph.OnnxToDjl;
import dev.bitplan.qat.quant.QatModel;
import dev.bitplan.qat.quant.TrainableLayer;
import dev.bitplan.qat.train.BatchFeeder;
import dev.bitplan.qat.train.DistillationLoss;
import dev.bitplan.qat.train.QatTrainer;
import dev.bitplan.qat.train.StepListener;
import dev.bitplan.qat.train.TrainingConfig;
import dev.bitplan.qat.train.TrainingData;
import dev.bitplan.qat.train.TrainingResult;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * PTQ and QAT of one plan side by side, for the evaluator and the command line: the plan's PTQ metric as the engine
 * scores it, then a short QAT from the FP32 model, the tuned weights written back into the model, and that model
 * scored, exported and run as deployed on the engine's usual path with a fresh calibration. Both metrics are against the
 * same FP32 reference on the same validation samples.
 */
public final class QatEvaluator {

    private final PlanEvaluator ptq;
    private final SampleSet calibration;
    private final QuantizationOptions options;
    private final Metric metric;
    private final RuntimeOptions runtime;
    private final ProgressListener progress;

    public QatEvaluator(PreparedModel model, SampleSet calibration, SampleSet validation, QuantizationOptions options,
                        Metric metric, RuntimeOptions runtime, ProgressListener progress) {
        this(new PlanEvaluator(model, calibration, validation, options, metric, runtime, progress), calibration);
    }

    /**
     * Around a caller's PTQ evaluator (e.g. {@code bitplan evaluate}'s), sharing its calibration statistics and FP32
     * reference; {@code calibration} must be the samples it calibrates on, for the tuned model's own calibration.
     */
    public QatEvaluator(PlanEvaluator ptq, SampleSet calibration) {
        this.ptq = ptq;
        this.calibration = calibration;
        this.options = ptq.quantizer().options();
        this.metric = ptq.metric();
        this.runtime = ptq.quantizer().runtime();
        this.progress = ptq.quantizer().progress();
    }

    /** The PTQ evaluator (its FP32 reference is the one QAT results are scored against). */
    public PlanEvaluator ptq() {
        return ptq;
    }

    /**
     * @param ptqMetric          the plan's PTQ metric
     * @param qatMetric          the tuned model's metric, scored as PTQ plans are (integer kernels by default)
     * @param deployedMetric     the tuned model's export run as deployed
     * @param trainedGraphMetric the trained DJL graph's own metric before write-back (fixed calibration ranges); NaN when not scored
     * @param scalesMoved        weight scales the engine derived anew from the tuned weights that differ from the scales
     *                           trained with (a weight at a channel's edge moved inward; 0 means the same grids)
     * @param rangesLearned      static activations whose learned scale (LSQ) the tuned model was scored with; 0 when
     *                           ranges were kept from calibration
     */
    public record Result(double fp32Metric, double ptqMetric, double qatMetric, double deployedMetric, double trainedGraphMetric,
                         int scalesMoved, TrainingResult training, ExportedModel exported, ModelProto tunedModel,
                         int rangesLearned) {
    }

    public Result evaluate(QuantPlan plan, TrainingData train, TrainingConfig config, StepListener listener, BooleanSupplier cancelled) {
        return evaluate(plan, ptq.evaluate(plan), true, train, config, listener, cancelled);
    }

    /**
     * For a search, which has scored the plan with PTQ already: {@code ptqMetric} is taken as given, and the trained graph
     * is not scored on its own (a diagnostic pass over the validation samples; {@link Result#trainedGraphMetric} is NaN).
     */
    public Result evaluateMeasured(QuantPlan plan, double ptqMetric, TrainingData train, TrainingConfig config, StepListener listener,
                                   BooleanSupplier cancelled) {
        return evaluate(plan, ptqMetric, false, train, config, listener, cancelled);
    }

    private Result evaluate(QuantPlan plan, double ptqMetric, boolean scoreTrainedGraph, TrainingData train, TrainingConfig config,
                            StepListener listener, BooleanSupplier cancelled) {
        try (NDManager manager = DjlRuntime.newManager()) {
            DjlGraph teacher = OnnxToDjl.importModel(ptq.floatModel().folded().proto(), manager);
            QatModel student = QatModel.of(ptq.quantizer(), plan, manager, config.learnRanges());
            TrainingResult training = new QatTrainer(config, new DistillationLoss(metric, config.temperature(), config.labelWeight()))
                    .train(student, teacher, train, manager, listener, cancelled);
            double trainedGraph = scoreTrainedGraph ? ptq.scoreOutputs(outputs(student.graph(), manager, ptq.samples())) : Double.NaN;
            ModelProto tuned = student.tunedFloatModel().model();
            PreparedModel tunedModel = PreparedModel.of(new OnnxModel(tuned));
            PlanEvaluator qat = new PlanEvaluator(tunedModel, calibration, ptq.samples(), options, metric, runtime, progress);
            // learned activation scales replace the tuned model's calibration for their tensors, and smoothed layers are
            // smoothed with the s they were trained with
            qat.quantizer().fixActivations(student.learnedActivations());
            if (student.smoothing() != null) {
                qat.quantizer().fixSmoothing(student.smoothing());
            }
            double qatMetric = ptq.scoreOutputs(qat.simulatedOutputs(plan));
            ExportedModel exported = qat.export(plan);
            double deployed = qat.quantizer().deploysAsScored(plan, exported.bytes()) ? qatMetric : ptq.score(exported.bytes(), "qat deployed");
            int moved = scalesMoved(student, qat.quantizer().weights(), tunedModel, plan);
            return new Result(ptq.fp32Metric(), ptqMetric, qatMetric, deployed, trainedGraph, moved, training, exported, tuned,
                    student.learnedActivations().size());
        }
    }

    /**
     * A graph's first output over samples, samples x width, run as the engine runs them ({@code SampleRunner}): a token
     * model's samples grouped by real length and trimmed to it (so that no padding enters a dynamic activation range),
     * their token outputs padded back with zeros to the data's token length; other models in batches in order.
     */
    public static float[] outputs(DjlGraph graph, NDManager manager, SampleSet samples) {
        return outputs(graph, manager, samples, 64);
    }

    /** {@link #outputs(DjlGraph, NDManager, SampleSet)} in batches of at most {@code batch}. */
    public static float[] outputs(DjlGraph graph, NDManager manager, SampleSet samples, int batch) {
        SequenceBuckets buckets = SequenceBuckets.of(samples).orElse(null);
        if (buckets == null) { // no mask, or one not padded on the right: in order, each batch cut after its longest sentence
            NdArray mask = samples.inputs().get(BatchFeeder.ATTENTION_MASK);
            int tokens = mask == null || mask.rank() != 2 ? 0 : (int) mask.shape()[1];
            return run(graph, manager, samples.inputs(), samples.indices(), null, tokens, samples.size(), batch, null);
        }
        float[] out = null;
        for (SequenceBuckets.Bucket b : buckets.buckets()) {
            out = run(graph, manager, b.inputs(), IntStream.range(0, b.size()).toArray(), b.positions(), buckets.tokens(), samples.size(),
                    batch, out);
        }
        return out;
    }

    /**
     * Runs {@code rows} of {@code inputs} in batches and copies each sample's output into row {@code positions[i]} of
     * {@code out} (row i when null), created on the first batch; a token output shorter than {@code tokens} is padded.
     */
    private static float[] run(DjlGraph graph, NDManager manager, Map<String, NdArray> inputs, int[] rows, int[] positions, int tokens,
                               int count, int batch, float[] out) {
        SampleSet set = new SampleSet(inputs, null, rows);
        TrainingData data = TrainingData.held(set);
        for (int start = 0; start < rows.length; start += batch) {
            int[] picked = IntStream.range(start, Math.min(rows.length, start + batch)).toArray();
            try (NDScope ignored = new NDScope()) {
                NDArray y = graph.run(manager, BatchFeeder.feed(manager, data.batch(picked, false).inputs()))
                        .get(graph.outputs().get(0));
                float[] values = y.toFloatArray();
                int perSample = values.length / picked.length;
                long[] shape = y.getShape().getShape();
                boolean shorter = tokens > 0 && shape.length == 3 && shape[1] < tokens;
                int width = shorter ? perSample / (int) shape[1] * tokens : perSample;
                if (out == null) {
                    out = new float[width * count];
                }
                for (int k = 0; k < picked.length; k++) {
                    int row = positions == null ? start + k : positions[start + k];
                    System.arraycopy(values, k * perSample, out, row * width, perSample);
                }
            }
        }
        return out;
    }

    /** @param fresh the tuned model's weights, as its quantizer has them */
    private static int scalesMoved(QatModel student, QuantizedWeightCache fresh, PreparedModel tuned, QuantPlan plan) {
        int moved = 0;
        for (TrainableLayer t : student.layers()) {
            Layer layer = tuned.layer(t.layer().name());
            LayerChoice choice = plan.choiceFor(layer.name());
            FusionMode mode = layer.fusionModes().contains(choice.fusion()) ? choice.fusion() : FusionMode.FUSED;
            int blockSize = choice.blockSizeUnder(student.quantizer().options().weightBlockSize());
            boolean smoothed = t.smoothingScales() != null;
            float[] before = student.quantizer().weights().weights(t.layer(), choice.weightBits(), t.folded(), blockSize, smoothed)
                    .quantized().scales();
            float[] after = fresh.weights(layer, choice.weightBits(), layer.foldsBatchNorm(mode), blockSize, smoothed).quantized().scales();
            for (int i = 0; i < before.length; i++) {
                if (Math.abs(after[i] - before[i]) > 1e-5 * Math.abs(before[i])) {
                    moved++;
                }
            }
        }
        return moved;
    }
}
