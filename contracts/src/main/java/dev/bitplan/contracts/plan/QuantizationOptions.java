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
 * @param weightBlockSize  0 (absent in JSON): no block-wise weights; 32 or 128: 4-bit MatMul weights get one scale per
 *                         block of that many input rows and output column (ONNX Runtime's MatMulNBits), and those
 *                         layers are weight-only; other layers keep {@code perChannel}'s granularity
 */
public record QuantizationOptions(ActivationMode activationMode, CalibrationMethod calibration, double percentile,
                                  boolean perChannel, WeightClipping weightClipping, Simulation simulation,
                                  int weightBlockSize) {

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
        if (weightBlockSize != 0 && !BLOCK_SIZES.contains(weightBlockSize)) {
            throw new IllegalArgumentException("weightBlockSize must be 32 or 128 (block-wise 4-bit MatMul weights), or 0 for "
                    + "none, got " + weightBlockSize);
        }
    }

    public static QuantizationOptions defaults() {
        return new QuantizationOptions(ActivationMode.AUTO, CalibrationMethod.MINMAX, 99.99, true, WeightClipping.MAX_ABS,
                Simulation.INTEGER, 0);
    }

    public QuantizationOptions withActivationMode(ActivationMode mode) {
        return new QuantizationOptions(mode, calibration, percentile, perChannel, weightClipping, simulation, weightBlockSize);
    }

    public QuantizationOptions withCalibration(CalibrationMethod method) {
        return new QuantizationOptions(activationMode, method, percentile, perChannel, weightClipping, simulation, weightBlockSize);
    }

    public QuantizationOptions withPerChannel(boolean value) {
        return new QuantizationOptions(activationMode, calibration, percentile, value, weightClipping, simulation, weightBlockSize);
    }

    public QuantizationOptions withWeightClipping(WeightClipping clipping) {
        return new QuantizationOptions(activationMode, calibration, percentile, perChannel, clipping, simulation, weightBlockSize);
    }

    public QuantizationOptions withSimulation(Simulation value) {
        return new QuantizationOptions(activationMode, calibration, percentile, perChannel, weightClipping, value, weightBlockSize);
    }

    /** Block-wise 4-bit MatMul weights of {@code size} rows per scale (32 or 128), or 0 for none. */
    public QuantizationOptions withWeightBlockSize(int size) {
        return new QuantizationOptions(activationMode, calibration, percentile, perChannel, weightClipping, simulation, size);
    }
}
