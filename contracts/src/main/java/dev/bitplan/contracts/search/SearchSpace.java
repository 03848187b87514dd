package dev.bitplan.contracts.search;

import dev.bitplan.contracts.plan.ActivationMode;
import java.util.List;

/**
 * Which options a search may give each layer.
 *
 * @param weightBits      allowed weight bits, e.g. [4, 8]
 * @param activationBits  allowed activation bits, e.g. [8]
 * @param allowFloat      whether a layer may stay float
 * @param fusionChoices   whether layers may also take their non-default fusion modes (FOLD_BN, UNFUSED)
 * @param tieAddInputs    whether layers whose outputs meet in an Add must take the same option (for runtimes that
 *                        need one scale on both inputs of an integer Add)
 * @param activationModes how a layer's input may be quantized, per layer ({@code STATIC}, {@code DYNAMIC},
 *                        {@code WEIGHT_ONLY}); empty: every layer as the job's activation mode says
 * @param blockSizes      block-wise 4-bit weights to offer as per-layer options besides the job's granularity (32, 128;
 *                        0 offers per-channel where the job is block-wise), for the layers blocks can apply to
 *                        (MatMul with a 2-D weight whose K is a multiple, embeddings); empty: none
 * @param smoothQuant     whether each MatMul layer that reads a LayerNorm may choose SmoothQuant (its LayerNorm's
 *                        outliers moved into its weights, alpha from {@code quantization.smoothQuantAlpha}, 0.5 where
 *                        that is 0) or not, per layer; each option is then offered both ways
 */
public record SearchSpace(List<Integer> weightBits, List<Integer> activationBits, boolean allowFloat, boolean fusionChoices,
                          boolean tieAddInputs, List<ActivationMode> activationModes, List<Integer> blockSizes,
                          boolean smoothQuant) {

    public SearchSpace(List<Integer> weightBits, List<Integer> activationBits, boolean allowFloat, boolean fusionChoices,
                       boolean tieAddInputs, List<ActivationMode> activationModes, List<Integer> blockSizes) {
        this(weightBits, activationBits, allowFloat, fusionChoices, tieAddInputs, activationModes, blockSizes, false);
    }

    public SearchSpace(List<Integer> weightBits, List<Integer> activationBits, boolean allowFloat, boolean fusionChoices,
                       boolean tieAddInputs) {
        this(weightBits, activationBits, allowFloat, fusionChoices, tieAddInputs, null, null);
    }

    public SearchSpace(List<Integer> weightBits, List<Integer> activationBits, boolean allowFloat, boolean fusionChoices,
                       boolean tieAddInputs, List<ActivationMode> activationModes) {
        this(weightBits, activationBits, allowFloat, fusionChoices, tieAddInputs, activationModes, null);
    }

    public SearchSpace {
        weightBits = weightBits == null || weightBits.isEmpty() ? List.of(4, 8) : List.copyOf(weightBits);
        activationBits = activationBits == null || activationBits.isEmpty() ? List.of(8) : List.copyOf(activationBits);
        for (int b : weightBits) {
            check("weight bits", b);
        }
        for (int b : activationBits) {
            check("activation bits", b);
        }
        activationModes = activationModes == null ? List.of() : List.copyOf(activationModes);
        blockSizes = blockSizes == null ? List.of() : List.copyOf(blockSizes);
        for (int b : blockSizes) {
            if (b != 0 && b != 32 && b != 128) {
                throw new IllegalArgumentException("block sizes to search are 32 and 128 (and 0: per-channel), got " + b);
            }
        }
        if (activationModes.contains(ActivationMode.AUTO)) {
            throw new IllegalArgumentException("activation modes to search are STATIC, DYNAMIC and WEIGHT_ONLY; AUTO is the job's default, "
                    + "not a per-layer option");
        }
    }

    public static SearchSpace defaults() {
        return new SearchSpace(List.of(4, 8), List.of(8), false, true, false);
    }

    private static void check(String what, int bits) {
        if (bits != 4 && bits != 8) {
            throw new IllegalArgumentException(what + " must be 4 or 8, got " + bits);
        }
    }
}
