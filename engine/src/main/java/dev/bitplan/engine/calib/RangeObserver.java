package dev.bitplan.engine.calib;

/**
 * One way of choosing an activation's quantization range from its calibration statistics (one implementation
 * per {@link dev.bitplan.contracts.plan.CalibrationMethod}, as in ONNX Runtime's calibrate.py).
 */
public interface RangeObserver {

    /**
     * The range to quantize this tensor over at {@code bits} bits; always includes 0, and is
     * {@link ActivationRange#ZERO} when the statistics hold no finite value.
     */
    ActivationRange range(TensorStatistics stats, int bits);
}
