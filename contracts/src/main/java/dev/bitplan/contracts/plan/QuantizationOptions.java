package dev.bitplan.contracts.plan;

/**
 * Settings that apply to the whole model, as opposed to the per-layer {@link QuantPlan}.
 *
 * @param activationMode   auto (per layer: dynamic for MatMul, static otherwise), static, dynamic or weight-only activations
 * @param calibration      how static activation ranges are picked
 * @param percentile       the percentile used by {@link CalibrationMethod#PERCENTILE}, e.g. 99.99
 * @param perChannel       per-output-channel weight scales (true) or one scale per tensor (false, for
 *                         hardware without per-channel support)
 * @param weightClipping   how each weight channel's clip value is chosen
 * @param simulation       which model plans are scored on: integer kernels (the default) or fake quantization
 */
public record QuantizationOptions(ActivationMode activationMode, CalibrationMethod calibration, double percentile,
                                  boolean perChannel, WeightClipping weightClipping, Simulation simulation) {

    public QuantizationOptions {
        activationMode = activationMode == null ? ActivationMode.AUTO : activationMode;
        calibration = calibration == null ? CalibrationMethod.MINMAX : calibration;
        percentile = percentile == 0 ? 99.99 : percentile;
        if (!(percentile > 50 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (50, 100], got " + percentile);
        }
        weightClipping = weightClipping == null ? WeightClipping.MAX_ABS : weightClipping;
        simulation = simulation == null ? Simulation.INTEGER : simulation;
    }

    public static QuantizationOptions defaults() {
        return new QuantizationOptions(ActivationMode.AUTO, CalibrationMethod.MINMAX, 99.99, true, WeightClipping.MAX_ABS,
                Simulation.INTEGER);
    }

    public QuantizationOptions withActivationMode(ActivationMode mode) {
        return new QuantizationOptions(mode, calibration, percentile, perChannel, weightClipping, simulation);
    }

    public QuantizationOptions withCalibration(CalibrationMethod method) {
        return new QuantizationOptions(activationMode, method, percentile, perChannel, weightClipping, simulation);
    }

    public QuantizationOptions withPerChannel(boolean value) {
        return new QuantizationOptions(activationMode, calibration, percentile, value, weightClipping, simulation);
    }

    public QuantizationOptions withWeightClipping(WeightClipping clipping) {
        return new QuantizationOptions(activationMode, calibration, percentile, perChannel, clipping, simulation);
    }

    public QuantizationOptions withSimulation(Simulation value) {
        return new QuantizationOptions(activationMode, calibration, percentile, perChannel, weightClipping, value);
    }
}
