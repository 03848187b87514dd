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
 */
public record SearchSpace(List<Integer> weightBits, List<Integer> activationBits, boolean allowFloat, boolean fusionChoices,
                          boolean tieAddInputs, List<ActivationMode> activationModes) {

    public SearchSpace(List<Integer> weightBits, List<Integer> activationBits, boolean allowFloat, boolean fusionChoices,
                       boolean tieAddInputs) {
        this(weightBits, activationBits, allowFloat, fusionChoices, tieAddInputs, null);
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
