package dev.bitplan.contracts.plan;

/** Which model a plan's metric is measured on. */
public enum Simulation {
    /**
     * The plan's QDQ model with integer weights (4-bit values in 8-bit containers), run by ONNX Runtime with
     * its Q/DQ fusions on: the integer kernels (QLinearConv, QGemm) an int8 CPU deployment runs, with layers
     * kept in float left in float. The default: on the fixture CNNs it runs at 0.84-1.3x of FP32, where fake
     * quantization reaches about 0.75x, and it scores what the deployed model computes.
     */
    INTEGER,
    /**
     * Fake quantization: float kernels on dequantized weights, every activation Q/DQ pair run as written.
     * Differs from {@link #INTEGER} only in accumulation and requantization rounding (top-1 accuracy at most
     * 0.0025 apart on the fixtures).
     */
    FAKE_QUANT
}
