package dev.bitplan.contracts.plan;

/** How activations are quantized at run time. */
public enum ActivationMode {
    /** Ranges calibrated once on calibration data and baked into the model (the default for CNNs). */
    STATIC,
    /** Ranges computed per batch at run time (ONNX DynamicQuantizeLinear); uint8 only. */
    DYNAMIC,
    /** Activations stay float; only weights are quantized. */
    WEIGHT_ONLY
}
