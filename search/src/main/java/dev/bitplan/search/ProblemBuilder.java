package dev.bitplan.search;

import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.search.LayerSensitivity;
import dev.bitplan.contracts.search.OptionSensitivity;
import dev.bitplan.contracts.search.PairSensitivity;
import dev.bitplan.engine.cost.CostModel;
import dev.bitplan.engine.latency.LatencyTable;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.planner.Budgets;
import dev.bitplan.planner.PairInteraction;
import dev.bitplan.planner.PlanLayer;
import dev.bitplan.planner.PlanOption;
import dev.bitplan.planner.PlanProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns measurements into the solver's problem: each layer's options with their size (cost model),
 * latency (latency table), BOPs and cost (the output divergence of that option with the rest float),
 * and the pair interactions. Budgets are for the whole model, so the part no plan changes (the size
 * remainder, the latency of non-layer ops) is taken off them first.
 */
final class ProblemBuilder {

    private ProblemBuilder() {
    }

    static List<PlanLayer> layers(List<Layer> layers, List<LayerSensitivity> sensitivity, CostModel cost, LatencyTable latency,
                                  ActivationMode mode) {
        List<PlanLayer> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            List<PlanOption> options = new ArrayList<>();
            for (OptionSensitivity s : sensitivity.get(i).options()) {
                LayerChoice c = s.choice();
                options.add(new PlanOption(s.label(), cost.layerBytes(layer, c), latency.millis(layer, c),
                        cost.layerBops(layer, c, mode), s.divergence()));
            }
            out.add(new PlanLayer(layer.name(), options));
        }
        return out;
    }

    /** The options with size and BOPs only (no measurement yet): enough to refuse an impossible size budget early. */
    static List<PlanLayer> sizesOnly(List<Layer> layers, dev.bitplan.contracts.search.SearchSpace space, CostModel cost,
                                     ActivationMode mode) {
        List<PlanLayer> out = new ArrayList<>();
        for (Layer layer : layers) {
            List<PlanOption> options = new ArrayList<>();
            for (LayerChoice c : dev.bitplan.engine.sensitivity.LayerOptions.of(layer, space)) {
                options.add(new PlanOption(c.label(), cost.layerBytes(layer, c), 0, cost.layerBops(layer, c, mode), 0));
            }
            out.add(new PlanLayer(layer.name(), options));
        }
        return out;
    }

    static List<PairInteraction> pairs(List<PairSensitivity> pairs) {
        return pairs.stream().map(p -> new PairInteraction(p.layerA(), p.optionA(), p.layerB(), p.optionB(), p.interaction()))
                .toList();
    }

    /** Whole-model budgets minus the fixed parts, as the solver sees them. */
    static Budgets layerBudgets(Long maxSizeBytes, Double maxLatencyMs, Long maxBops, CostModel cost, LatencyTable latency) {
        return new Budgets(maxSizeBytes == null ? null : maxSizeBytes - cost.remainderBytes(),
                maxLatencyMs == null || latency == null ? null : maxLatencyMs - latency.overheadMillis(), maxBops);
    }

    static PlanProblem problem(List<PlanLayer> layers, List<PairInteraction> pairs, List<dev.bitplan.planner.TieGroup> ties,
                               Budgets budgets) {
        return new PlanProblem(layers, pairs, ties, budgets);
    }

    /** Tie groups of the layers whose outputs meet in an Add, when the search space asks for them. */
    static List<dev.bitplan.planner.TieGroup> ties(dev.bitplan.engine.eval.PreparedModel model,
                                                   dev.bitplan.contracts.search.SearchSpace space) {
        if (!space.tieAddInputs()) {
            return List.of();
        }
        return dev.bitplan.engine.layers.LayerGraph.addGroups(model.folded(), model.layers()).stream()
                .map(g -> new dev.bitplan.planner.TieGroup(g.stream().map(Layer::name).toList())).toList();
    }

    /**
     * The solver's objective for any plan: summed divergence of each layer's option plus the interactions
     * that apply. Lets baselines be compared on the same scale as the solver's plans.
     */
    static double objective(dev.bitplan.contracts.plan.QuantPlan plan, List<LayerSensitivity> sensitivity,
                            List<PairSensitivity> pairs) {
        double sum = 0;
        for (LayerSensitivity s : sensitivity) {
            LayerChoice c = plan.choiceFor(s.layer());
            sum += c.isFloat() ? 0 : s.option(c.label()).divergence();
        }
        for (PairSensitivity p : pairs) {
            if (plan.choiceFor(p.layerA()).label().equals(p.optionA()) && plan.choiceFor(p.layerB()).label().equals(p.optionB())) {
                sum += p.interaction();
            }
        }
        return sum;
    }

    /** Per-layer choice map of a solution as a plan keyed by layer name. */
    static Map<String, LayerChoice> choices(Map<String, String> labels, List<LayerSensitivity> sensitivity) {
        Map<String, LayerChoice> out = new java.util.LinkedHashMap<>();
        for (LayerSensitivity s : sensitivity) {
            out.put(s.layer(), s.option(labels.get(s.layer())).choice());
        }
        return out;
    }
}
