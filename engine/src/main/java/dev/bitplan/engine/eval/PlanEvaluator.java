package dev.bitplan.engine.eval;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.cost.CostModel;
import dev.bitplan.engine.export.ExportedModel;
import dev.bitplan.engine.export.WeightStorage;
import dev.bitplan.engine.metrics.MetricCalculator;
import dev.bitplan.engine.runtime.BatchRunner;
import dev.bitplan.engine.runtime.LatencyMeter;
import dev.bitplan.engine.runtime.OrtModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.runtime.ThroughputMeter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Scores plans of one model on one set of samples. Everything that does not depend on the plan is
 * computed once and reused: the {@link Quantizer} (calibration, quantized weights of every (layer, bits,
 * fold) seen so far, cost model) and the FP32 reference outputs. Evaluating a plan that differs from the
 * last in one layer costs one graph rewrite and one pass over the samples.
 */
public final class PlanEvaluator {

    private static final int BATCH = 64;

    private final Quantizer quantizer;
    private final SampleSet samples;
    private final Metric metric;
    private final String output;
    private final ProgressListener progress;
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
        this.progress = progress;
        this.output = quantizer.model().folded().outputs().get(0).getName();
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

    public PreparedModel model() {
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

    /** The simulated (fake-quantized) model's metric on these samples. */
    public double evaluate(QuantPlan plan) {
        return scoreOutputs(simulatedOutputs(plan));
    }

    /** The simulated model's outputs on these samples, samples x width. */
    public float[] simulatedOutputs(QuantPlan plan) {
        return run(quantizer.simulation(plan).toByteArray(), quantizer.runtime().forSimulation(), "evaluation");
    }

    /** The metric of given outputs of these samples. */
    public double scoreOutputs(float[] outputs) {
        ensureReference();
        return MetricCalculator.score(metric, outputs, reference, samples.selectedLabels(), outputs.length / samples.size());
    }

    /** The simulation model of a plan, as evaluated (for inspection and tests). */
    public ModelProto exportSimulation(QuantPlan plan) {
        return quantizer.simulation(plan);
    }

    /** The deployable model of a plan as a graph, 8-bit weights as int8 (for inspection and tests). */
    public ModelProto exportDeployed(QuantPlan plan) {
        return quantizer.deployedGraph(plan);
    }

    /** The deployable QDQ model of a plan, with 8-bit weights stored as suits this host. */
    public ExportedModel export(QuantPlan plan) {
        return export(plan, WeightStorage.forHost());
    }

    public ExportedModel export(QuantPlan plan, WeightStorage storage) {
        return quantizer.export(plan, storage);
    }

    /**
     * The metric of a deployed model (e.g. an exported one) on these samples, run as a deployment runs
     * it: ONNX Runtime may fuse its Q/DQ pairs into integer kernels.
     */
    public double score(byte[] modelBytes, String stage) {
        return scoreOutputs(run(modelBytes, quantizer.runtime().forDeployment(), stage));
    }

    /** Median batch-1 latency in milliseconds of a model over the same inputs. */
    public double latencyMillis(byte[] modelBytes, int runs) {
        try (OrtModel ort = OrtModel.load(modelBytes, quantizer.runtime().forDeployment())) {
            return LatencyMeter.medianMillis(ort, samples.inputs(), Set.of(output), Math.max(5, runs / 5), runs);
        }
    }

    /**
     * Throughput over these samples (batch 64) of several models, in samples per second, measured with
     * {@link ThroughputMeter}: passes alternate between the models and each keeps its fastest.
     *
     * @param simulation which models run with Q/DQ pairs kept exact (as plans are scored) rather than as deployed
     */
    public Map<String, Double> samplesPerSecond(Map<String, byte[]> models, Set<String> simulation, int passes) {
        return samplesPerSecond(models, simulation, passes, quantizer.runtime().threads());
    }

    /** As {@link #samplesPerSecond(Map, Set, int)}, with sessions of the given intra-op thread count. */
    public Map<String, Double> samplesPerSecond(Map<String, byte[]> models, Set<String> simulation, int passes, int threads) {
        RuntimeOptions base = quantizer.runtime();
        RuntimeOptions runtime = new RuntimeOptions(threads, base.fullOptimization(), base.exactQdq());
        Map<String, OrtModel> loaded = new LinkedHashMap<>();
        try {
            models.forEach((name, bytes) -> loaded.put(name, OrtModel.load(bytes,
                    simulation.contains(name) ? runtime.forSimulation() : runtime.forDeployment())));
            return ThroughputMeter.compare(loaded, samples.inputs(), samples.indices(), BATCH, output, passes);
        } finally {
            loaded.values().forEach(OrtModel::close);
        }
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
            reference = run(model().foldedBytes(), quantizer.runtime().forSimulation(), "fp32 reference");
            fp32Metric = MetricCalculator.score(metric, reference, reference, samples.selectedLabels(),
                    reference.length / samples.size());
        }
    }

    private float[] run(byte[] modelBytes, RuntimeOptions options, String stage) {
        try (OrtModel ort = OrtModel.load(modelBytes, options)) {
            float[][] parts = new float[1][];
            int total = samples.size();
            BatchRunner.run(ort, samples.inputs(), samples.indices(), BATCH, Set.of(output), (offset, count, outs) -> {
                float[] data = outs.get(output).data();
                if (parts[0] == null) {
                    parts[0] = new float[data.length / count * total];
                }
                System.arraycopy(data, 0, parts[0], offset * (data.length / count), data.length);
                progress.progress(stage, offset + count, total);
            });
            return parts[0];
        }
    }
}
