package dev.bitplan.engine.layers;

/** The operator families BitPlan quantizes, with the axis of their weight that indexes output channels. */
public enum LayerKind {
    /** Conv, grouped and depthwise included; weight [M, C/g, k...]. */
    CONV,
    /** ConvTranspose; weight [C, M/g, k...], so output channels sit on axis 1. */
    CONV_TRANSPOSE,
    /** Gemm; weight [K, N], or [N, K] with transB=1. */
    GEMM,
    /** MatMul with a constant right-hand side [K, N] (transformer linear layers). */
    MATMUL,
    /** Gather on a constant table [rows, dim] (embeddings): weight-only, one scale per row. */
    GATHER;

    /** Whether the layer consumes a float activation that static / dynamic modes quantize. */
    public boolean quantizesActivations() {
        return this != GATHER;
    }
}
