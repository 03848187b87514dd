package dev.bitplan.engine.eval;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.calib.CalibrationCollector;
import dev.bitplan.engine.cost.CostModel;
import dev.bitplan.engine.export.ExportedModel;
import dev.bitplan.engine.export.WeightStorage;
import dev.bitplan.engine.metrics.MetricCalculator;
import dev.bitplan.engine.runtime.BatchRunner;
import dev.bitplan.engine.runtime.LatencyMeter;
import dev.bitplan.engine.runtime.OrtModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.runtime.ThroughputMeter;
import dev.bitplan.engine.sim.ActivationParams;
import dev.bitplan.engine.sim.QuantizedGraphBuilder;
import dev.bitplan.engine.sim.WeightEncoding;
import dev.bitplan.engine.sim.WeightStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Scores plans of one model on one dataset. Everything that does not depend on the plan is computed
 * once and reused: constant folding and layers, calibration statistics, the FP32 reference outputs, the
 * quantized weights of every (layer, bits, fold) seen so far, and the cost model. Evaluating a plan
 * that differs from the last in one layer costs one graph rewrite and one pass over the samples.
 */
public final class PlanEvaluator {

    private static final int BATCH = 64;

    private final PreparedModel model;
    private final SampleSet calibration;
    private final SampleSet validation;
    private final QuantizationOptions options;
    private final Metric metric;
    private final RuntimeOptions runtime;
    private final ProgressListener progress;
    private final String output;
    private final WeightStore weights;
    private final CostModel cost;
    private CalibrationCollector statistics;
    private QuantizedGraphBuilder builder;
    private float[] reference;
    private double fp32Metric;
    private long calibrationMillis;

    public PlanEvaluator(PreparedModel model, SampleSet calibration, SampleSet validation, QuantizationOptions options,
                         Metric metric, RuntimeOptions runtime, ProgressListener progress) {
        this.model = model.requireLayers();
        this.calibration = calibration;
        this.validation = validation;
        this.options = options;
        this.metric = metric;
        this.runtime = runtime;
        this.progress = progress;
        this.output = model.folded().outputs().get(0).getName();
        this.weights = new WeightStore(model.folded(), options);
        this.cost = new CostModel(model.folded(), model.layers(), ShapeProbe.macs(model, validation.inputs()), options.perChannel());
    }

    public PreparedModel model() {
        return model;
    }

    public CostModel cost() {
        return cost;
    }

    public Metric metric() {
        return metric;
    }

    public int validationSize() {
        return validation.size();
    }

    public int calibrationSize() {
        return activationsAreStatic() ? calibration.size() : 0;
    }

    /** The FP32 model's metric on the validation samples (its outputs become the reference). */
    public synchronized double fp32Metric() {
        ensureReference();
        return fp32Metric;
    }

    /** The simulated (fake-quantized) model's metric on the validation samples. */
    public double evaluate(QuantPlan plan) {
        QuantizedGraphBuilder.Result sim = builder().build(plan, WeightEncoding.FAKE_QUANT);
        return score(sim.model().toByteArray(), runtime.forSimulation(), "evaluation");
    }

    /** The simulation model of a plan, as evaluated (for inspection and tests). */
    public ModelProto exportSimulation(QuantPlan plan) {
        return builder().build(plan, WeightEncoding.FAKE_QUANT).model();
    }

    /** The deployable model of a plan as a graph (for inspection and tests). */
    public ModelProto exportDeployed(QuantPlan plan) {
        return builder().build(plan, WeightEncoding.INTEGER, WeightStorage.INT8).model();
    }

    /** The deployable QDQ model of a plan, with 8-bit weights stored as suits this host. */
    public ExportedModel export(QuantPlan plan) {
        return export(plan, WeightStorage.forHost());
    }

    public ExportedModel export(QuantPlan plan, WeightStorage storage) {
        QuantizedGraphBuilder.Result deployed = builder().build(plan, WeightEncoding.INTEGER, storage);
        return new ExportedModel(deployed.model().toByteArray(), deployed.notes());
    }

    /**
     * The metric of a deployed model (e.g. an exported one) on the validation samples, run as a deployment
     * runs it: ONNX Runtime may fuse its Q/DQ pairs into integer kernels.
     */
    public double score(byte[] modelBytes, String stage) {
        return score(modelBytes, runtime.forDeployment(), stage);
    }

    private double score(byte[] modelBytes, RuntimeOptions options, String stage) {
        ensureReference();
        float[] outputs = run(modelBytes, options, stage);
        return MetricCalculator.score(metric, outputs, reference, validation.selectedLabels(), outputs.length / validation.size());
    }

    /** Median batch-1 latency in milliseconds of a model over the same inputs. */
    public double latencyMillis(byte[] modelBytes, int runs) {
        try (OrtModel ort = OrtModel.load(modelBytes, runtime.forDeployment())) {
            return LatencyMeter.medianMillis(ort, validation.inputs(), Set.of(output), Math.max(5, runs / 5), runs);
        }
    }

    /**
     * Throughput over the validation samples (batch 64) of several models, in samples per second, measured
     * with {@link ThroughputMeter}: passes alternate between the models and each keeps its fastest.
     *
     * @param simulation which models run with Q/DQ pairs kept exact (as plans are scored) rather than as deployed
     */
    public Map<String, Double> samplesPerSecond(Map<String, byte[]> models, Set<String> simulation, int passes) {
        Map<String, OrtModel> loaded = new LinkedHashMap<>();
        try {
            models.forEach((name, bytes) -> loaded.put(name, OrtModel.load(bytes,
                    simulation.contains(name) ? runtime.forSimulation() : runtime.forDeployment())));
            return ThroughputMeter.compare(loaded, validation.inputs(), validation.indices(), BATCH, output, passes);
        } finally {
            loaded.values().forEach(OrtModel::close);
        }
    }

    /** Wall time of the calibration pass, once it has run. */
    public long calibrationMillis() {
        return calibrationMillis;
    }

    /** Runs the calibration pass now (it otherwise runs with the first plan). */
    public synchronized void calibrate() {
        builder();
    }

    private synchronized QuantizedGraphBuilder builder() {
        if (builder == null) {
            ActivationParams acts = (tensor, bits) -> {
                throw new IllegalStateException("no calibration in " + options.activationMode() + " mode");
            };
            if (activationsAreStatic()) {
                long t0 = System.nanoTime();
                statistics = CalibrationRun.collect(model, calibration, runtime, progress);
                calibrationMillis = (System.nanoTime() - t0) / 1_000_000;
                acts = new CalibratedActivations(statistics, options.calibration(), options.percentile());
            }
            builder = new QuantizedGraphBuilder(model.folded(), model.layers(), options, weights, acts);
        }
        return builder;
    }

    private boolean activationsAreStatic() {
        return options.activationMode() == ActivationMode.STATIC;
    }

    private void ensureReference() {
        if (reference == null) {
            reference = run(model.foldedBytes(), runtime.forSimulation(), "fp32 reference");
            fp32Metric = MetricCalculator.score(metric, reference, reference, validation.selectedLabels(),
                    reference.length / validation.size());
        }
    }

    private float[] run(byte[] modelBytes, RuntimeOptions options, String stage) {
        try (OrtModel ort = OrtModel.load(modelBytes, options)) {
            float[][] parts = new float[1][];
            int total = validation.size();
            BatchRunner.run(ort, validation.inputs(), validation.indices(), BATCH, Set.of(output), (offset, count, outs) -> {
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
