package dev.bitplan.cli;

import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.CalibrationMethod;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.contracts.plan.Simulation;
import dev.bitplan.contracts.plan.WeightClipping;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * How a model is quantized and scored, without its files: the flags {@code evaluate}, {@code search} and
 * {@code submit} share, so a submitted job and a local run read them the same way.
 */
final class QuantizationFlags {

    @Option(names = "--calibration-samples", defaultValue = "256", description = "calibration samples (default 256)")
    int calibrationSamples;

    @Option(names = "--metric", description = "accuracy, agreement, cosine, sentence-cosine, token-cosine or sqnr (default: accuracy with labels; sentence-cosine for a model with an attention_mask input and a [batch, tokens, hidden] output; else agreement)")
    String metric;

    @Option(names = "--calibration", defaultValue = "minmax", description = "minmax, percentile, entropy or mse (default minmax)")
    String calibration;

    @Option(names = "--percentile", defaultValue = "99.99", description = "percentile for --calibration percentile")
    double percentile;

    @Option(names = "--activations", defaultValue = "auto",
            description = "auto (dynamic for MatMul layers, static for Conv / Gemm), static, dynamic or none (weight-only)")
    String activations;

    @Option(names = "--per-tensor", description = "one weight scale per tensor instead of per output channel (same as --weight-granularity per-tensor)")
    boolean perTensor;

    @Option(names = "--weight-granularity", defaultValue = "per-channel",
            description = "per-channel (default), per-tensor, block-32 or block-128: block-wise 4-bit MatMul weights, a scale per "
                    + "32 or 128 input rows and output column, run by ONNX Runtime's MatMulNBits (those layers weight-only); "
                    + "other layers per-channel")
    String weightGranularity;

    @Option(names = "--weight-clipping", defaultValue = "maxabs", description = "maxabs or mse")
    String weightClipping;

    @Option(names = "--simulation", defaultValue = "integer",
            description = "what plans are scored on: integer (ONNX Runtime's integer kernels, as deployed; default) or fake-quant")
    String simulation;

    @Option(names = "--smoothquant", paramLabel = "ALPHA", defaultValue = "0",
            description = "SmoothQuant: move this share (0 < ALPHA < 1, e.g. 0.5) of each activation channel's outliers into the "
                    + "weights of the MatMul layers that read a LayerNorm, exactly in FP32, before calibration (default 0: off)")
    double smoothQuantAlpha;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the calibration / validation split")
    long seed;

    QuantizationOptions quantizationOptions() {
        ActivationMode mode = parseActivationMode(activations, "--activations", true);
        WeightClipping clipping = switch (weightClipping.toLowerCase(Locale.ROOT)) {
            case "maxabs", "max-abs" -> WeightClipping.MAX_ABS;
            case "mse" -> WeightClipping.MSE;
            default -> throw new IllegalArgumentException("--weight-clipping must be maxabs or mse, got '" + weightClipping + "'");
        };
        Simulation scoredOn = switch (simulation.toLowerCase(Locale.ROOT)) {
            case "integer" -> Simulation.INTEGER;
            case "fake-quant", "fakequant", "fake_quant" -> Simulation.FAKE_QUANT;
            default -> throw new IllegalArgumentException("--simulation must be integer or fake-quant, got '" + simulation + "'");
        };
        WeightGranularity granularity = WeightGranularity.parse(weightGranularity);
        if (perTensor && granularity != WeightGranularity.PER_CHANNEL && granularity != WeightGranularity.PER_TENSOR) {
            throw new IllegalArgumentException("--per-tensor and --weight-granularity " + weightGranularity
                    + " contradict each other; give one of them");
        }
        boolean perChannel = !perTensor && granularity != WeightGranularity.PER_TENSOR;
        return new QuantizationOptions(mode, parseCalibration(calibration), percentile, perChannel, clipping, scoredOn,
                smoothQuantAlpha, granularity.blockSize());
    }

    /** auto (where allowed), static, dynamic, none / weight-only; {@code flag} names the option in the error. */
    static ActivationMode parseActivationMode(String s, String flag, boolean allowAuto) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "auto" -> {
                if (!allowAuto) {
                    throw new IllegalArgumentException(flag + " takes static, dynamic or none, got 'auto'");
                }
                yield ActivationMode.AUTO;
            }
            case "static" -> ActivationMode.STATIC;
            case "dynamic" -> ActivationMode.DYNAMIC;
            case "none", "weight-only" -> ActivationMode.WEIGHT_ONLY;
            default -> throw new IllegalArgumentException(flag + " must be " + (allowAuto ? "auto, " : "") + "static, dynamic or none, got '"
                    + s + "'");
        };
    }

    static CalibrationMethod parseCalibration(String s) {
        try {
            return CalibrationMethod.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--calibration must be minmax, percentile, entropy or mse, got '" + s + "'");
        }
    }
}
