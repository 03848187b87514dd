package dev.bitplan.contracts.plan;

/** How activations are quantized at run time. */
public enum ActivationMode {
    /**
     * What the field does per layer, the default: dynamic for MatMul layers (transformer linear layers, as ONNX
     * Runtime's dynamic quantizer does; the form its kernels run fastest), static for Conv, ConvTranspose and Gemm (as
     * CNN deployments do). A MatMul layer a plan gives 4-bit activations is static, as dynamic ranges are 8-bit only.
     */
    AUTO,
    /** Ranges calibrated once on calibration data and baked into the model. */
    STATIC,
    /** Ranges computed per batch at run time (ONNX DynamicQuantizeLinear); uint8 only. */
    DYNAMIC,
    /** Activations stay float; only weights are quantized. */
    WEIGHT_ONLY
}
