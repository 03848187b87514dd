package dev.bitplan.cli;

import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.CalibrationMethod;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.contracts.plan.WeightClipping;
import dev.bitplan.engine.eval.EvaluationSamples;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Options shared by the commands that quantize: model, data, calibration and quantization settings. */
final class EngineOptions {

    @Option(names = "--model", required = true, description = "ONNX model file")
    Path model;

    @Option(names = "--data", required = true, description = "NPZ dataset (one array per model input, optional 'labels')")
    Path data;

    @Option(names = "--calibration-data", description = "separate NPZ for calibration; default: drawn from --data, disjoint from validation")
    Path calibrationData;

    @Option(names = "--calibration-samples", defaultValue = "256", description = "calibration samples (default 256)")
    int calibrationSamples;

    @Option(names = "--metric", description = "accuracy, agreement, cosine or sqnr (default: accuracy with labels, else agreement)")
    String metric;

    @Option(names = "--calibration", defaultValue = "minmax", description = "minmax, percentile, entropy or mse (default minmax)")
    String calibration;

    @Option(names = "--percentile", defaultValue = "99.99", description = "percentile for --calibration percentile")
    double percentile;

    @Option(names = "--activations", defaultValue = "static", description = "static, dynamic or none (weight-only)")
    String activations;

    @Option(names = "--per-tensor", description = "one weight scale per tensor instead of per output channel")
    boolean perTensor;

    @Option(names = "--weight-clipping", defaultValue = "maxabs", description = "maxabs or mse")
    String weightClipping;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the calibration / validation split")
    long seed;

    @Option(names = "--threads", description = "ONNX Runtime threads (default: all cores)")
    Integer threads;

    private PreparedModel prepared;
    private EvaluationSamples samples;

    /** The model and samples are read once per command; each call builds an evaluator with its own options. */
    PlanEvaluator evaluator(QuantizationOptions options, ProgressListener progress) {
        if (prepared == null) {
            OnnxModel loaded = ModelLoader.load(model);
            samples = EvaluationSamples.load(loaded, data, calibrationData, calibrationSamples, seed);
            prepared = PreparedModel.of(loaded);
        }
        return new PlanEvaluator(prepared, samples.calibration(), samples.validation(), options, metric(samples),
                runtimeOptions(), progress);
    }

    Metric metric(EvaluationSamples samples) {
        if (metric != null) {
            return Metric.parse(metric);
        }
        return samples.validation().labels() != null ? Metric.ACCURACY : Metric.AGREEMENT;
    }

    QuantizationOptions quantizationOptions() {
        ActivationMode mode = switch (activations.toLowerCase(Locale.ROOT)) {
            case "static" -> ActivationMode.STATIC;
            case "dynamic" -> ActivationMode.DYNAMIC;
            case "none", "weight-only" -> ActivationMode.WEIGHT_ONLY;
            default -> throw new IllegalArgumentException("--activations must be static, dynamic or none, got '" + activations + "'");
        };
        WeightClipping clipping = switch (weightClipping.toLowerCase(Locale.ROOT)) {
            case "maxabs", "max-abs" -> WeightClipping.MAX_ABS;
            case "mse" -> WeightClipping.MSE;
            default -> throw new IllegalArgumentException("--weight-clipping must be maxabs or mse, got '" + weightClipping + "'");
        };
        return new QuantizationOptions(mode, parseCalibration(calibration), percentile, !perTensor, clipping);
    }

    RuntimeOptions runtimeOptions() {
        RuntimeOptions d = RuntimeOptions.defaults();
        return threads == null ? d : new RuntimeOptions(threads, d.fullOptimization(), d.exactQdq());
    }

    static CalibrationMethod parseCalibration(String s) {
        try {
            return CalibrationMethod.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--calibration must be minmax, percentile, entropy or mse, got '" + s + "'");
        }
    }
}
