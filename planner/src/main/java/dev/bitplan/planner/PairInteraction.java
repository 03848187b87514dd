package dev.bitplan.planner;

import java.util.Objects;

/**
 * Quadratic term: {@code extraCost} is added to the objective when layer A takes option A and
 * layer B takes option B at once (measured joint effect minus the two single effects; may be negative).
 */
public record PairInteraction(String layerA, String optionA, String layerB, String optionB, double extraCost) {

    public PairInteraction {
        Objects.requireNonNull(layerA, "layerA");
        Objects.requireNonNull(optionA, "optionA");
        Objects.requireNonNull(layerB, "layerB");
        Objects.requireNonNull(optionB, "optionB");
        if (!Double.isFinite(extraCost)) {
            throw new IllegalArgumentException("pair extra cost must be finite, was " + extraCost);
        }
    }
}
