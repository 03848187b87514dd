package dev.bitplan.engine.latency;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.calib.ActivationQuantParams;
import dev.bitplan.engine.calib.CalibrationCollector;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.eval.CalibratedActivations;
import dev.bitplan.engine.eval.CalibrationRun;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.qdq.ActivationParams;
import dev.bitplan.engine.qdq.QuantizedWeightCache;
import dev.bitplan.engine.qdq.WeightDataType;
import dev.bitplan.engine.runtime.LatencyMeter;
import dev.bitplan.engine.runtime.OrtModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measures a {@link LatencyTable}: for each layer and each of its options, the layer's fusion group is cut
 * out ({@link SingleLayerModel}), quantized as a deployment runs it ({@code ModelForm.DEPLOYABLE}, 8-bit
 * weights stored as {@link WeightDataType#forHost()} unless set), loaded in ONNX Runtime with the deployment
 * settings ({@link RuntimeOptions#forDeployment()}: full optimization, Q/DQ free to fuse into integer
 * kernels) and timed: {@link #warmup(int)} discarded runs, then the median of {@link #runs(int)} timed runs
 * ({@link LatencyMeter}). The options of one layer are timed alternately, {@link #passes(int)} times over,
 * and each keeps its lowest median: on a shared host, load only adds time, and alternating spreads a drift
 * in load over all the options of a layer alike, so the differences between them (what a solver trades)
 * stay meaningful. The first measurement of a builder is preceded by an untimed JIT warm-up.
 * <p>
 * Threads: by default one intra-op thread ({@code new RuntimeOptions(1, true)}), so entries add up the way a
 * single-threaded deployment's layers do and are steadier on a small shared host; set {@link #runtime} to
 * measure another configuration, and compare only with end-to-end figures taken with the same threads.
 * <p>
 * Batch: 1 by default; {@link #batch(int)} measures another batch size, each layer's probed batch-1 input
 * tiled along its first axis (and the full model's inputs likewise for the overhead).
 * <p>
 * Overhead: unless given ({@link #fp32Millis(double)}), the full FP32 (folded) model is timed the same way,
 * before and after the layers (the lower kept), and the table's overhead is that minus the sum of the float
 * entries; the float option is therefore always measured, listed or not. A model whose inputs declare a fixed
 * batch of 1 cannot be timed end to end at a larger batch: give {@link #fp32Millis(double)} there.
 */
public final class LatencyTableBuilder {

    private final PreparedModel model;
    private final Map<String, NdArray> inputs;
    private final QuantizationOptions options;
    private final ActivationParams activations;
    private final QuantizedWeightCache weights;
    private RuntimeOptions runtime = new RuntimeOptions(1, true);
    private WeightDataType storage = WeightDataType.forHost();
    private int warmup = 10;
    private int runs = 30;
    private int batch = 1;
    private int passes = 3;
    private ProgressListener progress = ProgressListener.NONE;
    private Double fp32Millis;
    private Map<String, Map<String, Double>> known = Map.of();
    private int reusedEntries;
    private boolean warmedUp;

    /**
     * @param model        the prepared model whose layers are measured
     * @param inputs       full input arrays by model input name (e.g. {@code SampleSet.inputs()}); the first sample is used
     * @param options      quantization options (activation mode, per-channel, clipping) of the plans to be estimated
     * @param activations  calibrated activation parameters of the full model (static mode); see {@link #calibrate}
     */
    public LatencyTableBuilder(PreparedModel model, Map<String, NdArray> inputs, QuantizationOptions options,
                               ActivationParams activations) {
        this.model = model.requireLayers();
        this.inputs = inputs;
        this.options = options;
        this.activations = activations;
        this.weights = new QuantizedWeightCache(model.folded(), options);
    }

    /**
     * Static activation parameters from one calibration pass over {@code calibration}, as {@code PlanEvaluator}
     * computes them, on first use: never where no option measured is static (a transformer in a dynamic job).
     */
    public static ActivationParams calibrate(PreparedModel model, SampleSet calibration, QuantizationOptions options,
                                             RuntimeOptions runtime, ProgressListener progress) {
        return new ActivationParams() {
            private CalibratedActivations calibrated;

            @Override
            public synchronized ActivationQuantParams params(String tensor, int bits) {
                if (calibrated == null) {
                    CalibrationCollector statistics = CalibrationRun.collect(model, calibration, runtime, progress);
                    calibrated = new CalibratedActivations(statistics, options.calibration(), options.percentile());
                }
                return calibrated.params(tensor, bits);
            }
        };
    }

    /** Session settings; {@link RuntimeOptions#forDeployment()} of them is used. Default: 1 thread, full optimization. */
    public LatencyTableBuilder runtime(RuntimeOptions value) {
        this.runtime = value;
        return this;
    }

    /** How 8-bit weights are stored in the measured models; default {@link WeightDataType#forHost()}. */
    public LatencyTableBuilder storage(WeightDataType value) {
        this.storage = value;
        return this;
    }

    /** Discarded runs before timing each model; default 10. */
    public LatencyTableBuilder warmup(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("warmup must be >= 0, got " + value);
        }
        this.warmup = value;
        return this;
    }

    /** Timed runs per model, whose median is recorded; default 30. */
    public LatencyTableBuilder runs(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("runs must be >= 1, got " + value);
        }
        this.runs = value;
        return this;
    }

    /** Passes over each group of models (see the class comment); each model keeps its lowest median. Default 3. */
    public LatencyTableBuilder passes(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("passes must be >= 1, got " + value);
        }
        this.passes = value;
        return this;
    }

    /** Batch size of the timed runs; default 1. */
    public LatencyTableBuilder batch(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + value);
        }
        this.batch = value;
        return this;
    }

    /** Receives ("latency table", layers done, layers) after each layer. */
    public LatencyTableBuilder progress(ProgressListener value) {
        this.progress = value;
        return this;
    }

    /** The end-to-end FP32 latency at this batch, measured elsewhere: the builder then does not time the full model. */
    public LatencyTableBuilder fp32Millis(double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("FP32 latency must be positive and finite, got " + value);
        }
        this.fp32Millis = value;
        return this;
    }

    /**
     * Entries measured before, by layer and option label (a nightly re-search passes those of layers whose digest,
     * {@code LayerDigests}, did not change): taken as they are instead of timed again. Options of a layer not given are
     * timed, interleaved with each other as usual.
     */
    public LatencyTableBuilder known(Map<String, Map<String, Double>> value) {
        this.known = value == null ? Map.of() : value;
        return this;
    }

    /** How many entries the last {@link #build} took from {@link #known} rather than timing them. */
    public int reusedEntries() {
        return reusedEntries;
    }

    /** The same options for every layer of the model. */
    public LatencyTable build(List<LayerChoice> choices) {
        Map<String, List<LayerChoice>> byLayer = new LinkedHashMap<>();
        model.layers().forEach(l -> byLayer.put(l.name(), choices));
        return build(byLayer);
    }

    /**
     * Options per layer name; the table holds the layers named here, in model order, each with the float option
     * and its listed ones (a fusion mode the layer's pattern lacks is measured, once, as FUSED, as the rewrite does).
     */
    public LatencyTable build(Map<String, List<LayerChoice>> choicesByLayer) {
        List<Layer> layers = new ArrayList<>();
        for (String name : choicesByLayer.keySet()) {
            model.layer(name); // fails on an unknown name
        }
        model.layers().stream().filter(l -> choicesByLayer.containsKey(l.name())).forEach(layers::add);
        warmUpOnce();
        // timed before and after the layers, keeping the lower: a drift in load during the table shows less in the overhead
        double fp32 = fp32Millis != null ? fp32Millis : measureMillis(model.foldedBytes());
        Map<String, SingleLayerModel> extracted = SingleLayerModel.extractAll(model, layers, inputs);
        Map<String, Map<String, Double>> table = new LinkedHashMap<>();
        double floatSum = 0;
        int done = 0;
        for (Layer layer : layers) {
            SingleLayerModel single = extracted.get(layer.name());
            Map<String, LayerChoice> byLabel = new LinkedHashMap<>();
            byLabel.put(LayerChoice.FLOAT.label(), LayerChoice.FLOAT);
            for (LayerChoice choice : choicesByLayer.get(layer.name())) {
                LayerChoice measured = LatencyTable.measured(layer, choice);
                // explicitly unsmoothed, so that a job that smooths by default times the same kernel on its plain weights
                byLabel.putIfAbsent(measured.label(), measured.isFloat() ? measured : measured.withSmoothed(false));
            }
            Map<String, Double> stored = known.getOrDefault(layer.name(), Map.of());
            List<String> timed = byLabel.keySet().stream().filter(label -> !stored.containsKey(label)).toList();
            List<byte[]> models = new ArrayList<>();
            timed.forEach(label -> models.add(single.build(byLabel.get(label), options, weights, activations, storage).toByteArray()));
            double[] ms = models.isEmpty() ? new double[0] : timeInterleaved(models, single.inputs(batch), single.outputName());
            Map<String, Double> byOption = new LinkedHashMap<>();
            int i = 0;
            for (String label : byLabel.keySet()) {
                byOption.put(label, stored.containsKey(label) ? stored.get(label) : ms[i++]);
            }
            reusedEntries += byLabel.size() - timed.size();
            floatSum += byOption.get(LayerChoice.FLOAT.label());
            table.put(layer.name(), byOption);
            progress.progress("latency table", ++done, layers.size());
        }
        if (fp32Millis == null) {
            fp32 = Math.min(fp32, measureMillis(model.foldedBytes()));
        }
        return new LatencyTable(table, fp32 - floatSum, batch);
    }

    /** Median ms of one extracted layer at one option, measured as the table's entries are (but alone). */
    public double measureMillis(SingleLayerModel single, LayerChoice choice) {
        warmUpOnce();
        ModelProto m = single.build(choice, options, weights, activations, storage);
        return timeInterleaved(List.of(m.toByteArray()), single.inputs(batch), single.outputName())[0];
    }

    /**
     * Median ms of a full model of this prepared model (the folded FP32 model, or an exported plan) at the
     * builder's batch and settings: the end-to-end figure to check an estimate against.
     */
    public double measureMillis(byte[] fullModel) {
        warmUpOnce();
        Map<String, NdArray> batched = new LinkedHashMap<>();
        inputs.forEach((k, v) -> batched.put(k, SingleLayerModel.tile(v.selectSamples(new int[] {0}), batch)));
        return timeInterleaved(List.of(fullModel), batched, model.folded().outputs().get(0).getName())[0];
    }

    /**
     * Runs the FP32 model untimed for up to 3000 runs or about 1 s, once per builder: the Java side of a run
     * (feeds, result copies) is interpreted until the JIT has compiled it (measured here: the first FP32 timing of
     * a small CNN was twice a later one after a 100-run warm-up), which would inflate whatever is timed first.
     */
    private void warmUpOnce() {
        if (warmedUp) {
            return;
        }
        warmedUp = true;
        Map<String, NdArray> one = new LinkedHashMap<>();
        inputs.forEach((k, v) -> one.put(k, v.selectSamples(new int[] {0})));
        Set<String> out = Set.of(model.folded().outputs().get(0).getName());
        try (OrtModel ort = OrtModel.load(model.foldedBytes(), runtime.forDeployment())) {
            long end = System.nanoTime() + 1_000_000_000L;
            for (int i = 0; i < 3000 && System.nanoTime() < end; i++) {
                ort.run(one, out);
            }
        }
    }

    /**
     * Times models that share an input: {@link #passes(int)} passes, each taking every model's median in turn
     * (warm-up, then {@link #runs(int)} timed runs); each model keeps its lowest median. Load on a shared host
     * only ever adds time, and alternating puts a drift in load on all the options of a layer alike.
     */
    private double[] timeInterleaved(List<byte[]> models, Map<String, NdArray> feed, String output) {
        List<OrtModel> loaded = new ArrayList<>();
        try {
            for (byte[] m : models) {
                loaded.add(OrtModel.load(m, runtime.forDeployment()));
            }
            double[] best = new double[models.size()];
            Arrays.fill(best, Double.POSITIVE_INFINITY);
            for (int p = 0; p < passes; p++) {
                for (int i = 0; i < loaded.size(); i++) {
                    best[i] = Math.min(best[i], median(loaded.get(i), feed, Set.of(output)));
                }
            }
            return best;
        } finally {
            loaded.forEach(OrtModel::close);
        }
    }

    /** The feed is timed as given: a batch > 1, or a layer reading [seq, hidden] rows, is not cut to its first slice. */
    private double median(OrtModel ort, Map<String, NdArray> feed, Set<String> outputs) {
        return LatencyMeter.medianMillisOf(ort, feed, outputs, warmup, runs);
    }
}
