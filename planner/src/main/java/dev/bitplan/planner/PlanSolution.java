package dev.bitplan.planner;

import dev.bitplan.planner.internal.Units;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A chosen plan with its totals, as computed from the problem (not from a solver's internal score).
 *
 * @param choice     layer name -> option label, in the problem's layer order
 * @param sizeBytes  summed size
 * @param latencyMs  summed latency estimate
 * @param bops       summed bit operations
 * @param cost       summed option cost plus the pair interactions that apply
 * @param feasible   whether every given budget and tie holds
 * @param solverName which solver produced it
 * @param millis     wall time of the solve
 */
public record PlanSolution(Map<String, String> choice, long sizeBytes, double latencyMs, long bops, double cost,
                           boolean feasible, String solverName, long millis) {

    public PlanSolution {
        choice = Collections.unmodifiableMap(new LinkedHashMap<>(choice));
    }

    /**
     * Totals and feasibility of a choice, computed from the problem; every solver reports through
     * this, so their numbers are comparable. Latency feasibility is judged in whole nanoseconds per
     * layer, as the solvers do.
     *
     * @throws IllegalArgumentException when a layer has no choice or an unknown option
     */
    public static PlanSolution evaluate(PlanProblem problem, Map<String, String> choice, String solverName,
                                        long millis) {
        Map<String, String> ordered = new LinkedHashMap<>();
        long size = 0;
        long bops = 0;
        long nanos = 0;
        double latency = 0;
        double cost = 0;
        for (PlanLayer layer : problem.layers()) {
            String label = choice.get(layer.name());
            PlanOption o = label == null ? null : layer.option(label);
            if (o == null) {
                throw new IllegalArgumentException("no valid option chosen for layer " + layer.name() + ": " + label);
            }
            ordered.put(layer.name(), label);
            size += o.sizeBytes();
            bops += o.bops();
            latency += o.latencyMs();
            nanos += Units.latencyNanos(o.latencyMs());
            cost += o.cost();
        }
        for (PairInteraction p : problem.pairs()) {
            if (p.optionA().equals(ordered.get(p.layerA())) && p.optionB().equals(ordered.get(p.layerB()))) {
                cost += p.extraCost();
            }
        }
        boolean tiesHold = problem.ties().stream()
                .allMatch(t -> t.layers().stream().map(ordered::get).distinct().count() <= 1);
        Budgets b = problem.budgets();
        boolean feasible = tiesHold
                && (b.maxSizeBytes() == null || size <= b.maxSizeBytes())
                && (b.maxLatencyMs() == null || nanos <= Units.latencyNanos(b.maxLatencyMs()))
                && (b.maxBops() == null || bops <= b.maxBops());
        return new PlanSolution(ordered, size, latency, bops, cost, feasible, solverName, millis);
    }
}
