package dev.bitplan.engine.layers;

import dev.bitplan.contracts.plan.FusionMode;
import java.util.List;

/**
 * One quantizable layer and its fusion group, as found in the graph. Tensor names are those of the
 * (constant-folded) source model, so calibration statistics and rewrites agree on them.
 *
 * @param name              the layer's node name (plans refer to layers by it)
 * @param kind              the operator family
 * @param weight            initializer holding the weight (or embedding table)
 * @param weightDims        its shape
 * @param channelAxis       axis of {@code weight} that indexes output channels (the per-channel scale axis)
 * @param input             the activation input (null for a Gather, whose input is indices)
 * @param bias              bias initializer, from the node itself or a separate Add (null if none)
 * @param biasAddNode       the separate bias Add node, if the bias is one
 * @param batchNormNode     a BatchNormalization that follows and can be folded (null if none)
 * @param activationNode    a Relu or Clip that follows and can be fused (null if none)
 * @param activationOp      "Relu" or "Clip" (null if none)
 * @param rawOutput         output of the layer node itself (before a separate bias Add)
 * @param biasedOutput      output after the bias Add (== rawOutput when the bias is inside the node)
 * @param normalizedOutput  output after BatchNormalization (== biasedOutput when none)
 * @param groupOutput       output of the whole group, after the activation (== normalizedOutput when none)
 */
public record Layer(String name, LayerKind kind, String weight, long[] weightDims, int channelAxis, String input,
                    String bias, String biasAddNode, String batchNormNode, String activationNode, String activationOp,
                    String rawOutput, String biasedOutput, String normalizedOutput, String groupOutput) {

    /** The same layer reading {@code tensor} as its activation (a SmoothQuant reader reads its LayerNorm's smoothed output). */
    public Layer withInput(String tensor) {
        return new Layer(name, kind, weight, weightDims, channelAxis, tensor, bias, biasAddNode, batchNormNode, activationNode,
                activationOp, rawOutput, biasedOutput, normalizedOutput, groupOutput);
    }

    public long params() {
        long n = 1;
        for (long d : weightDims) {
            n *= d;
        }
        return n;
    }

    public int outputChannels() {
        return (int) weightDims[channelAxis];
    }

    public boolean hasBatchNorm() {
        return batchNormNode != null;
    }

    public boolean hasActivation() {
        return activationNode != null;
    }

    /** The fusion modes this pattern offers; FUSED first, as the default. */
    public List<FusionMode> fusionModes() {
        if (hasBatchNorm() && hasActivation()) {
            return List.of(FusionMode.FUSED, FusionMode.FOLD_BN, FusionMode.UNFUSED);
        }
        if (hasBatchNorm() || hasActivation()) {
            return List.of(FusionMode.FUSED, FusionMode.UNFUSED);
        }
        return List.of(FusionMode.FUSED);
    }

    /** Whether the weights are folded with the BatchNormalization in this mode. */
    public boolean foldsBatchNorm(FusionMode mode) {
        return hasBatchNorm() && mode != FusionMode.UNFUSED;
    }

    /** The tensor whose value is quantized as the group's output in this mode. */
    public String quantizedOutput(FusionMode mode) {
        return switch (mode) {
            case FUSED -> groupOutput;
            case FOLD_BN -> normalizedOutput;
            case UNFUSED -> biasedOutput;
        };
    }

    /** A short description like {@code Conv+BN+Relu} for listings. */
    public String pattern() {
        String op = switch (kind) {
            case CONV -> "Conv";
            case CONV_TRANSPOSE -> "ConvTranspose";
            case GEMM -> "Gemm";
            case MATMUL -> "MatMul";
            case GATHER -> "Gather";
        };
        return op + (biasAddNode != null ? "+Add" : "") + (hasBatchNorm() ? "+BN" : "") + (hasActivation() ? "+" + activationOp : "");
    }
}
