package dev.bitplan.engine.eval;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.contracts.plan.Simulation;
import dev.bitplan.engine.calib.ActivationQuantParams;
import dev.bitplan.engine.calib.CalibrationCollector;
import dev.bitplan.engine.cost.CostModel;
import dev.bitplan.engine.qdq.ActivationModes;
import dev.bitplan.engine.qdq.ActivationParams;
import dev.bitplan.engine.qdq.ExportedModel;
import dev.bitplan.engine.qdq.ModelForm;
import dev.bitplan.engine.qdq.PlanRewriter;
import dev.bitplan.engine.qdq.QuantizedWeightCache;
import dev.bitplan.engine.qdq.WeightDataType;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.smooth.SmoothQuantFolding;
import dev.bitplan.engine.smooth.Smoothing;
import dev.bitplan.engine.smooth.SmoothingSite;
import dev.bitplan.engine.smooth.SmoothingSites;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What quantizing one model needs once, whatever samples plans are then scored on: the calibration
 * statistics, the cache of quantized weights, the cost model and the plan rewriter. Evaluators on
 * different sample sets (sensitivity, validation) share one.
 */
public final class Quantizer {

    private static final Set<String> WEIGHTED_OPS = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul");

    /** SmoothQuant's alpha where the search offers it per layer and the job sets none. */
    public static final double DEFAULT_SMOOTHQUANT_ALPHA = 0.5;

    private final PreparedModel model;
    private final SampleSet calibration;
    private final QuantizationOptions options;
    private final RuntimeOptions runtime;
    private final ProgressListener progress;
    private final QuantizedWeightCache weights;
    private final CostModel cost;
    private CalibrationCollector statistics;
    private CalibratedActivations calibratedActivations;
    private ActivationParams activations;
    private PlanRewriter builder;
    private long calibrationMillis;
    private Smoothing smoothing;
    private Set<String> smoothable;
    private CalibratedActivations smoothedActivations;
    private Map<String, ActivationQuantParams> fixedActivations = Map.of();

    public Quantizer(PreparedModel model, SampleSet calibration, QuantizationOptions options, RuntimeOptions runtime,
                     ProgressListener progress) {
        this.model = model.requireLayers();
        this.calibration = calibration;
        this.options = options;
        this.runtime = runtime;
        this.progress = progress;
        this.weights = new QuantizedWeightCache(this.model.folded(), options, this::smoothing);
        this.cost = new CostModel(this.model.folded(), this.model.layers(), ShapeProbe.macs(this.model, calibration.inputs()),
                options.perChannel(), options.weightBlockSize());
    }

    /**
     * The float model plans are quantized from, and the FP32 reference they are compared with: the model as given. A
     * plan's SmoothQuant layers are smoothed when the plan is rewritten ({@link PlanRewriter}), exactly in FP32.
     */
    public PreparedModel model() {
        return model;
    }

    /**
     * SmoothQuant's sites and scales for this model (one FP32 pass over the calibration samples, on first use), at the
     * job's alpha, or {@link #DEFAULT_SMOOTHQUANT_ALPHA} where the job sets none and a plan smooths some layers.
     */
    public synchronized Smoothing smoothing() {
        if (smoothing == null) {
            double alpha = options.smoothQuant() ? options.smoothQuantAlpha() : DEFAULT_SMOOTHQUANT_ALPHA;
            smoothing = SmoothQuantPass.measure(model, calibration, alpha, runtime, progress);
        }
        return smoothing;
    }

    /**
     * SmoothQuant scales given instead of measured: those a QAT run trained its smoothed layers with, so that the tuned
     * model (its weights written back unsmoothed) is smoothed with the same {@code s} again, not with scales measured anew
     * from its changed weights. The sites must be this model's (same LayerNorms and readers, by name). Only before the
     * scales are first used.
     */
    public synchronized void fixSmoothing(Smoothing given) {
        if (smoothing != null || builder != null) {
            throw new IllegalStateException("SmoothQuant scales are fixed before the first plan is built");
        }
        List<String> expected = SmoothingSites.find(model.folded(), model.layers()).sites().stream().map(SmoothingSite::output).toList();
        List<String> sites = given.sites().stream().map(SmoothingSite::output).toList();
        if (!expected.equals(sites)) {
            throw new IllegalArgumentException("SmoothQuant scales for sites " + sites + ", but this model's are " + expected);
        }
        smoothing = given;
    }

    /** The layers {@code plan} smooths (by its choices or the job's SmoothQuant setting). */
    public Set<String> smoothedLayers(QuantPlan plan) {
        return builder().smoothedInputs(plan).keySet();
    }

    /** The layers that may choose SmoothQuant: MatMul layers that read a LayerNorm it can fold into (no pass needed). */
    public synchronized Set<String> smoothableLayers() {
        if (smoothable == null) {
            Set<String> out = new java.util.LinkedHashSet<>();
            SmoothingSites.find(model.folded(), model.layers()).sites().forEach(s -> s.readers().forEach(l -> out.add(l.name())));
            smoothable = Set.copyOf(out);
        }
        return smoothable;
    }

    public QuantizationOptions options() {
        return options;
    }

    public RuntimeOptions runtime() {
        return runtime;
    }

    public ProgressListener progress() {
        return progress;
    }

    public CostModel cost() {
        return cost;
    }

    public QuantizedWeightCache weights() {
        return weights;
    }

    /** Samples calibration reads: all of the calibration set once some layer needs static ranges, else none. */
    public synchronized int calibrationSize() {
        return statistics != null || ActivationModes.needsCalibration(options.activationMode(), model.layers()) ? calibration.size() : 0;
    }

    /** Wall time of the calibration pass, once it has run (0 when activations are not static). */
    public long calibrationMillis() {
        return calibrationMillis;
    }

    /** The calibration statistics if the calibration pass has run (it is not run for this), else null. */
    public synchronized CalibrationCollector statisticsIfCalibrated() {
        return statistics;
    }

    /** Static activation parameters from calibration (runs the calibration pass on first use). */
    public synchronized ActivationParams activations() {
        builder();
        return activations;
    }

    /** The fake-quant simulation model of a plan (fake-quantized weights, exact Q/DQ). */
    public ModelProto simulation(QuantPlan plan) {
        return builder().build(plan, ModelForm.FAKE_QUANT).model();
    }

    /** A model a plan is scored on, and the session settings it must run with. */
    public record ScoringModel(byte[] bytes, RuntimeOptions runtime) {
    }

    /**
     * What a plan is scored on, as {@link QuantizationOptions#simulation()} says: its QDQ model on ONNX Runtime's
     * integer kernels (weights stored as suits this host's kernels, see {@link WeightDataType#forHost()}), or the
     * fake-quant simulation (also for weight-only plans, see {@link #scoresOnIntegerKernels()}).
     */
    public ScoringModel scoringModel(QuantPlan plan) {
        if (!scoresOnIntegerKernels()) {
            return new ScoringModel(simulation(plan).toByteArray(), runtime.forSimulation());
        }
        return new ScoringModel(integerScoringGraph(plan).toByteArray(), runtime.forIntegerScoring());
    }

    /**
     * Whether a deployment computes exactly what scoring {@code plan} computed, so the exported model's metric is
     * the scored one and need not be measured again: the export is the integer scoring model byte for byte, and
     * that model has no float-weight Conv / Gemm / MatMul, the only nodes that the scoring session (with
     * WeightBiasQuantization off) and a deployment's session treat differently.
     */
    public boolean deploysAsScored(QuantPlan plan, byte[] exported) {
        if (!scoresOnIntegerKernels()) {
            return false;
        }
        ModelProto scored = integerScoringGraph(plan);
        return Arrays.equals(scored.toByteArray(), exported) && !hasFloatWeightLayer(scored);
    }

    /**
     * Weight-only plans have no integer kernel to run on a CPU (ORT dequantizes the weights and runs float
     * kernels), so they are scored by fake quantization, which computes the same numbers without dequantizing
     * every weight on every run.
     */
    private boolean scoresOnIntegerKernels() {
        return options.simulation() == Simulation.INTEGER && options.activationMode() != ActivationMode.WEIGHT_ONLY;
    }

    /** The model form plans are scored in ({@link #scoringModel}), for scoring parts of a model the same way. */
    public ModelForm scoringForm() {
        return scoresOnIntegerKernels() ? ModelForm.INTEGER_SCORING : ModelForm.FAKE_QUANT;
    }

    /** The session settings of {@link #scoringForm()}. */
    public RuntimeOptions scoringRuntime() {
        return scoresOnIntegerKernels() ? runtime.forIntegerScoring() : runtime.forSimulation();
    }

    private ModelProto integerScoringGraph(QuantPlan plan) {
        return builder().build(plan, ModelForm.INTEGER_SCORING, WeightDataType.forHost()).model();
    }

    private static boolean hasFloatWeightLayer(ModelProto m) {
        Set<String> floats = new HashSet<>();
        for (TensorProto t : m.getGraph().getInitializerList()) {
            if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                floats.add(t.getName());
            }
        }
        for (NodeProto n : m.getGraph().getNodeList()) {
            if (WEIGHTED_OPS.contains(n.getOpType()) && n.getInputCount() > 1 && floats.contains(n.getInput(1))) {
                return true;
            }
        }
        return false;
    }

    /** The deployable model of a plan as a graph, 8-bit weights stored as int8. */
    public ModelProto deployedGraph(QuantPlan plan) {
        return builder().build(plan, ModelForm.DEPLOYABLE, WeightDataType.INT8).model();
    }

    public ExportedModel export(QuantPlan plan, WeightDataType storage) {
        PlanRewriter.Result deployed = builder().build(plan, ModelForm.DEPLOYABLE, storage);
        return new ExportedModel(deployed.model().toByteArray(), deployed.notes());
    }

    /**
     * Static activation parameters given instead of calibrated, by tensor name (e.g. scales a QAT run learned); the
     * other tensors are calibrated as usual. Only before the first plan is built: plans already built used the others.
     */
    public synchronized void fixActivations(Map<String, ActivationQuantParams> given) {
        if (builder != null) {
            throw new IllegalStateException("activation parameters are fixed before the first plan is built");
        }
        fixedActivations = Map.copyOf(given);
    }

    /** Runs the calibration pass now if the default plan needs static ranges (it otherwise runs when first needed). */
    public synchronized void calibrate() {
        builder();
        if (ActivationModes.needsCalibration(options.activationMode(), model.layers())) {
            calibrated();
        }
    }

    private synchronized PlanRewriter builder() {
        if (builder == null) {
            // ranges are computed on first use: with AUTO, a transformer's layers are all dynamic and need none
            Map<String, ActivationQuantParams> fixed = fixedActivations;
            activations = (tensor, bits) -> {
                ActivationQuantParams given = fixed.get(tensor);
                if (given != null && given.bits() == bits) {
                    return given;
                }
                return tensor.endsWith(Smoothing.SMOOTHED_SUFFIX)
                        ? smoothedCalibrated().params(tensor, bits) : calibrated().params(tensor, bits);
            };
            builder = new PlanRewriter(model.folded(), model.layers(), options, weights, activations);
        }
        return builder;
    }

    /**
     * Ranges of the smoothed LayerNorm outputs, from a second pass on first use (only plans with static, smoothed layers
     * need one): the model with {@code y / s} computed beside each {@code y}, statistics of those alone.
     */
    private synchronized CalibratedActivations smoothedCalibrated() {
        if (smoothedActivations == null) {
            Smoothing s = smoothing();
            OnnxModel tapped = SmoothQuantFolding.withSmoothedTaps(model.folded(), s);
            Set<String> tensors = new java.util.LinkedHashSet<>();
            s.sites().forEach(site -> tensors.add(Smoothing.smoothedTensor(site)));
            CalibrationCollector collector = new CalibrationCollector();
            CalibrationRun.forEachBatch(tapped, calibration, tensors, runtime, progress, "smoothquant calibration", (inputs, indices) -> { },
                    collector::accept);
            smoothedActivations = new CalibratedActivations(collector, options.calibration(), options.percentile());
        }
        return smoothedActivations;
    }

    /** Runs the calibration pass on first use: also in a dynamic or weight-only job, where a plan's layer may choose static. */
    private synchronized CalibratedActivations calibrated() {
        if (calibratedActivations == null) {
            long t0 = System.nanoTime();
            statistics = CalibrationRun.collect(model, calibration, runtime, progress);
            calibrationMillis = (System.nanoTime() - t0) / 1_000_000;
            calibratedActivations = new CalibratedActivations(statistics, options.calibration(), options.percentile());
        }
        return calibratedActivations;
    }
}
