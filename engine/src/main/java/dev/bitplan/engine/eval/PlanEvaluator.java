package dev.bitplan.engine.eval;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.cost.CostModel;
import dev.bitplan.engine.metrics.MetricCalculator;
import dev.bitplan.engine.metrics.TokenMask;
import dev.bitplan.engine.qdq.ExportedModel;
import dev.bitplan.engine.qdq.WeightDataType;
import dev.bitplan.engine.runtime.RuntimeOptions;
import java.util.List;

/**
 * Scores plans of one model on one set of samples. Everything that does not depend on the plan is
 * computed once and reused: the {@link Quantizer} (calibration, quantized weights of every (layer, bits,
 * fold) seen so far, cost model) and the FP32 reference outputs. Evaluating a plan that differs from the
 * last in one layer costs one graph rewrite and one pass over the samples.
 */
public final class PlanEvaluator {

    private final Quantizer quantizer;
    private final SampleSet samples;
    private final Metric metric;
    private final SampleRunner runner;
    private float[] reference;
    private double fp32Metric;

    public PlanEvaluator(PreparedModel model, SampleSet calibration, SampleSet validation, QuantizationOptions options,
                         Metric metric, RuntimeOptions runtime, ProgressListener progress) {
        this(new Quantizer(model, calibration, options, runtime, progress), validation, metric);
    }

    public PlanEvaluator(Quantizer quantizer, SampleSet samples, Metric metric) {
        this(quantizer, samples, metric, quantizer.progress());
    }

    private PlanEvaluator(Quantizer quantizer, SampleSet samples, Metric metric, ProgressListener progress) {
        this.quantizer = quantizer;
        this.samples = samples;
        this.metric = metric;
        this.runner = new SampleRunner(samples, quantizer.model().folded().outputs().get(0), progress);
    }

    /**
     * An evaluator that scores on other samples, sharing this one's calibration and weight cache, and
     * reporting its passes to {@code progress} (e.g. {@link ProgressListener#NONE} when a caller reports
     * per layer instead of per pass).
     */
    public PlanEvaluator onSamples(SampleSet other, ProgressListener progress) {
        return new PlanEvaluator(quantizer, other, metric, progress);
    }

    public Quantizer quantizer() {
        return quantizer;
    }

    /** The float model plans are quantized from (SmoothQuant is applied per plan, when it is rewritten). */
    public PreparedModel model() {
        return quantizer.model();
    }

    /** The model as given: the FP32 reference, and what FP32 latency is measured on (the same as {@link #model()}). */
    public PreparedModel floatModel() {
        return quantizer.model();
    }

    public CostModel cost() {
        return quantizer.cost();
    }

    public Metric metric() {
        return metric;
    }

    public int validationSize() {
        return samples.size();
    }

    /** The samples plans are scored on. */
    public SampleSet samples() {
        return samples;
    }

    /** The model output that metrics are computed on (its first). */
    public String outputName() {
        return runner.outputName();
    }

    public int calibrationSize() {
        return quantizer.calibrationSize();
    }

    /** The FP32 model's metric on these samples (its outputs become the reference). */
    public synchronized double fp32Metric() {
        ensureReference();
        return fp32Metric;
    }

    /** FP32 outputs of these samples, samples x width. */
    public synchronized float[] referenceOutputs() {
        ensureReference();
        return reference;
    }

    /** A plan's metric on these samples, measured on its scoring model ({@link Quantizer#scoringModel}). */
    public double evaluate(QuantPlan plan) {
        return scoreOutputs(simulatedOutputs(plan));
    }

    /** A plan's scoring model's outputs on these samples, samples x width. */
    public float[] simulatedOutputs(QuantPlan plan) {
        Quantizer.ScoringModel scored = quantizer.scoringModel(plan);
        return run(scored.bytes(), scored.runtime(), "evaluation");
    }

    /** The metric of given outputs of these samples. */
    public double scoreOutputs(float[] outputs) {
        ensureReference();
        return MetricCalculator.score(metric, outputs, reference, samples.selectedLabels(), outputs.length / samples.size(), runner.tokenMask());
    }

    /** The fake-quant simulation model of a plan (for inspection, tests and benchmarks). */
    public ModelProto exportSimulation(QuantPlan plan) {
        return quantizer.simulation(plan);
    }

    /** The model a plan is scored on, with its session settings (for benchmarks). */
    public Quantizer.ScoringModel scoringModel(QuantPlan plan) {
        return quantizer.scoringModel(plan);
    }

    /** The deployable model of a plan as a graph, 8-bit weights as int8 (for inspection and tests). */
    public ModelProto exportDeployed(QuantPlan plan) {
        return quantizer.deployedGraph(plan);
    }

    /** The deployable QDQ model of a plan, with 8-bit weights stored as suits this host. */
    public ExportedModel export(QuantPlan plan) {
        return export(plan, WeightDataType.forHost());
    }

    public ExportedModel export(QuantPlan plan, WeightDataType storage) {
        return quantizer.export(plan, storage);
    }

    /** A plan's scored metric, its export, and the export's metric run as deployed ({@link #deployedMetric}). */
    public record ScoredExport(double metric, ExportedModel exported, double deployedMetric) {
    }

    /** Scores a plan, exports it (8-bit weights stored as {@code storage}) and measures the export as deployed. */
    public ScoredExport scoreAndExport(QuantPlan plan, WeightDataType storage, String stage) {
        double scored = evaluate(plan);
        ExportedModel exported = export(plan, storage);
        return new ScoredExport(scored, exported, deployedMetric(plan, exported, scored, stage));
    }

    /** {@link #scoreAndExport(QuantPlan, WeightDataType, String)} with 8-bit weights stored as suits this host. */
    public ScoredExport scoreAndExport(QuantPlan plan, String stage) {
        return scoreAndExport(plan, WeightDataType.forHost(), stage);
    }

    /**
     * The metric of a deployed model (e.g. an exported one) on these samples, run as a deployment runs
     * it: ONNX Runtime may fuse its Q/DQ pairs into integer kernels.
     */
    public double score(byte[] modelBytes, String stage) {
        return scoreOutputs(run(modelBytes, quantizer.runtime().forDeployment(), stage));
    }

    /**
     * The metric of a plan's exported model run as deployed, given the plan's scored metric on these samples:
     * that metric itself when the deployment computes the same numbers ({@link Quantizer#deploysAsScored}),
     * else one more pass over the samples.
     */
    public double deployedMetric(QuantPlan plan, ExportedModel exported, double scoredMetric, String stage) {
        return quantizer.deploysAsScored(plan, exported.bytes()) ? scoredMetric : score(exported.bytes(), stage);
    }

    /** Median batch-1 latency in milliseconds of a model as deployed ({@link SampleRunner#latencyMillis}). */
    public double latencyMillis(byte[] modelBytes, int runs) {
        return runner.latencyMillis(modelBytes, quantizer.runtime().forDeployment(), runs);
    }

    /** Batch-1 latencies of several models as deployed, their runs interleaved so that they are comparable. */
    public double[] latencyMillis(List<byte[]> models, int runs) {
        return runner.latencyMillis(models, quantizer.runtime().forDeployment(), runs);
    }

    /** The samples' real tokens (their attention_mask), or null when the data has none. */
    public TokenMask tokenMask() {
        return runner.tokenMask();
    }

    /** Wall time of the calibration pass, once it has run. */
    public long calibrationMillis() {
        return quantizer.calibrationMillis();
    }

    /** Runs the calibration pass now (it otherwise runs with the first plan). */
    public void calibrate() {
        quantizer.calibrate();
    }

    private void ensureReference() {
        if (reference == null) {
            reference = run(floatModel().foldedBytes(), quantizer.runtime().forSimulation(), "fp32 reference");
            fp32Metric = MetricCalculator.score(metric, reference, reference, samples.selectedLabels(),
                    reference.length / samples.size(), runner.tokenMask());
        }
    }

    /** Runs a model over these samples ({@link SampleRunner#outputs}); the first output, samples x width. */
    float[] run(byte[] modelBytes, RuntimeOptions options, String stage) {
        return runner.outputs(modelBytes, options, stage);
    }
}
