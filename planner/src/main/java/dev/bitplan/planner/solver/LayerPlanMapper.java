package dev.bitplan.planner.solver;

import dev.bitplan.planner.Budgets;
import dev.bitplan.planner.domain.BudgetLimits;
import dev.bitplan.planner.domain.LayerDecision;
import dev.bitplan.planner.domain.LayerPlan;
import dev.bitplan.planner.domain.OptionChoice;
import dev.bitplan.planner.domain.PairTerm;
import dev.bitplan.planner.internal.DecisionGroups;
import dev.bitplan.planner.internal.DecisionGroups.GroupOption;
import dev.bitplan.planner.internal.Units;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Maps decision groups to the OptaPlanner domain and the solved domain back to a layer choice. */
final class LayerPlanMapper {

    private LayerPlanMapper() {
    }

    static LayerPlan toPlan(DecisionGroups groups, Budgets budgets) {
        List<LayerDecision> decisions = groups.groups().stream()
                .map(g -> new LayerDecision(g.id(), g.layers(), g.options().stream().map(LayerPlanMapper::choice).toList()))
                .toList();
        List<PairTerm> pairs = groups.pairs().stream()
                .map(p -> new PairTerm(groups.groups().get(p.groupA()).id(), p.labelA(),
                        groups.groups().get(p.groupB()).id(), p.labelB(), Units.scaledCost(p.extraCost())))
                .toList();
        BudgetLimits limits = new BudgetLimits(budgets.maxSizeBytes(),
                budgets.maxLatencyMs() == null ? null : Units.latencyNanos(budgets.maxLatencyMs()),
                budgets.maxBops());
        return new LayerPlan(decisions, pairs, limits);
    }

    static Map<String, String> choice(LayerPlan solved) {
        Map<String, String> byLayer = new HashMap<>();
        for (LayerDecision d : solved.getDecisions()) {
            for (String layer : d.getLayers()) {
                byLayer.put(layer, d.getLabel());
            }
        }
        return byLayer;
    }

    private static OptionChoice choice(GroupOption o) {
        return new OptionChoice(o.label(), o.sizeBytes(), o.latencyNanos(), o.bops(), Units.scaledCost(o.cost()));
    }
}
