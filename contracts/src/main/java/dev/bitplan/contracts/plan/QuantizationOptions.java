package dev.bitplan.contracts.plan;

import java.util.List;

/**
 * Settings that apply to the whole model, as opposed to the per-layer {@link QuantPlan}.
 *
 * @param activationMode   auto (per layer: dynamic for MatMul, static otherwise), static, dynamic or weight-only activations
 * @param calibration      how static activation ranges are picked
 * @param percentile       the percentile used by {@link CalibrationMethod#PERCENTILE}, e.g. 99.99
 * @param perChannel       per-output-channel weight scales (true) or one scale per tensor (false, for
 *                         hardware without per-channel support); the granularity of every layer that is not block-wise
 * @param weightClipping   how each weight channel's clip value is chosen
 * @param simulation       which model plans are scored on: integer kernels (the default) or fake quantization
 * @param smoothQuantAlpha SmoothQuant's migration strength: 0 (the default, also when absent from JSON) leaves the
 *                         model as it is; a value in (0, 1) moves that share of each activation channel's outliers
 *                         into the weights of the MatMul layers that read a LayerNorm, before calibration
 * @param weightBlockSize  0 (absent in JSON): no block-wise weights; 32 or 128: 4-bit MatMul weights get one scale per
 *                         block of that many input rows and output column (ONNX Runtime's MatMulNBits), and those
 *                         layers are weight-only; other layers keep {@code perChannel}'s granularity
 */
public record QuantizationOptions(ActivationMode activationMode, CalibrationMethod calibration, double percentile,
                                  boolean perChannel, WeightClipping weightClipping, Simulation simulation,
                                  double smoothQuantAlpha, int weightBlockSize) {

    /** The block sizes {@link #weightBlockSize} takes besides 0. */
    public static final List<Integer> BLOCK_SIZES = List.of(32, 128);

    public QuantizationOptions {
        activationMode = activationMode == null ? ActivationMode.AUTO : activationMode;
        calibration = calibration == null ? CalibrationMethod.MINMAX : calibration;
        percentile = percentile == 0 ? 99.99 : percentile;
        if (!(percentile > 50 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (50, 100], got " + percentile);
        }
        weightClipping = weightClipping == null ? WeightClipping.MAX_ABS : weightClipping;
        simulation = simulation == null ? Simulation.INTEGER : simulation;
        // 1 would move every outlier into the weights (and 0 is off), so only the open interval is a setting
        if (!(smoothQuantAlpha == 0 || (smoothQuantAlpha > 0 && smoothQuantAlpha < 1))) {
            throw new IllegalArgumentException("smoothQuantAlpha must be 0 (off) or in (0, 1), got " + smoothQuantAlpha);
        }
        if (weightBlockSize != 0 && !BLOCK_SIZES.contains(weightBlockSize)) {
            throw new IllegalArgumentException("weightBlockSize must be 32 or 128 (block-wise 4-bit MatMul weights), or 0 for "
                    + "none, got " + weightBlockSize);
        }
    }

    public static QuantizationOptions defaults() {
        return new QuantizationOptions(ActivationMode.AUTO, CalibrationMethod.MINMAX, 99.99, true, WeightClipping.MAX_ABS,
                Simulation.INTEGER, 0, 0);
    }

    public QuantizationOptions withActivationMode(ActivationMode mode) {
        return new QuantizationOptions(mode, calibration, percentile, perChannel, weightClipping, simulation, smoothQuantAlpha,
                weightBlockSize);
    }

    public QuantizationOptions withCalibration(CalibrationMethod method) {
        return new QuantizationOptions(activationMode, method, percentile, perChannel, weightClipping, simulation, smoothQuantAlpha,
                weightBlockSize);
    }

    public QuantizationOptions withPerChannel(boolean value) {
        return new QuantizationOptions(activationMode, calibration, percentile, value, weightClipping, simulation, smoothQuantAlpha,
                weightBlockSize);
    }

    public QuantizationOptions withWeightClipping(WeightClipping clipping) {
        return new QuantizationOptions(activationMode, calibration, percentile, perChannel, clipping, simulation, smoothQuantAlpha,
                weightBlockSize);
    }

    public QuantizationOptions withSimulation(Simulation value) {
        return new QuantizationOptions(activationMode, calibration, percentile, perChannel, weightClipping, value, smoothQuantAlpha,
                weightBlockSize);
    }

    /** SmoothQuant's alpha: 0 turns it off, (0, 1) on. */
    public QuantizationOptions withSmoothQuantAlpha(double alpha) {
        return new QuantizationOptions(activationMode, calibration, percentile, perChannel, weightClipping, simulation, alpha,
                weightBlockSize);
    }

    /** Block-wise 4-bit MatMul weights of {@code size} rows per scale (32 or 128), or 0 for none. */
    public QuantizationOptions withWeightBlockSize(int size) {
        return new QuantizationOptions(activationMode, calibration, percentile, perChannel, weightClipping, simulation, smoothQuantAlpha,
                size);
    }

    /** Whether activation outliers are migrated into the weights before calibration. */
    public boolean smoothQuant() {
        return smoothQuantAlpha > 0;
    }
}
