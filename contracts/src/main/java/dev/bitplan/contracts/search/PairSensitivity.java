package dev.bitplan.contracts.search;

/**
 * The interaction of two adjacent layers (one feeds the other) at the given options: the divergence with
 * both quantized minus the two single divergences. Positive when their errors compound.
 */
public record PairSensitivity(String layerA, String optionA, String layerB, String optionB, double interaction) {
}
