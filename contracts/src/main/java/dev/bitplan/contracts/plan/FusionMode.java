package dev.bitplan.contracts.plan;

/**
 * How a quantized layer is merged with what follows it. Which modes a layer offers depends on its
 * pattern: a layer with neither BatchNormalization nor an activation only has {@link #FUSED}.
 */
public enum FusionMode {
    /** BatchNormalization folded into the weights; the activation (Relu / Clip) fused, so the quantized output is taken after it. */
    FUSED,
    /** BatchNormalization folded; the activation runs on the dequantized output of the layer. */
    FOLD_BN,
    /** Nothing folded: weights quantized as stored, BatchNormalization and activation run in float after the layer. */
    UNFUSED
}
