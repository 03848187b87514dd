package dev.bitplan.planner;

import java.util.HashSet;
import java.util.List;

/**
 * One per-layer option-choice problem: pick one option per layer, tied layers alike, within the
 * budgets, minimising the summed option cost plus the pair interactions that apply.
 */
public record PlanProblem(List<PlanLayer> layers, List<PairInteraction> pairs, List<TieGroup> ties, Budgets budgets) {

    public PlanProblem {
        layers = List.copyOf(layers);
        pairs = pairs == null ? List.of() : List.copyOf(pairs);
        ties = ties == null ? List.of() : List.copyOf(ties);
        budgets = budgets == null ? Budgets.none() : budgets;
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a plan needs at least one layer");
        }
        var names = new HashSet<String>();
        for (PlanLayer l : layers) {
            if (!names.add(l.name())) {
                throw new IllegalArgumentException("layer " + l.name() + " is listed twice");
            }
        }
    }

    /** The additive problem: layers and budgets only. */
    public PlanProblem(List<PlanLayer> layers, Budgets budgets) {
        this(layers, List.of(), List.of(), budgets);
    }

    /** The same problem under other budgets. */
    public PlanProblem withBudgets(Budgets newBudgets) {
        return new PlanProblem(layers, pairs, ties, newBudgets);
    }
}
