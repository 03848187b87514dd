package dev.bitplan.contracts.plan;

/** How a static activation range is chosen from what calibration observed. */
public enum CalibrationMethod {
    /** The observed minimum and maximum. */
    MINMAX,
    /** The given percentile of the values on each side (99.99 by default): ignores rare outliers. */
    PERCENTILE,
    /** The clip that minimises the KL divergence between the float and quantized histograms (TensorRT's method). */
    ENTROPY,
    /** The clip that minimises the expected squared quantization error over the histogram. */
    MSE
}
