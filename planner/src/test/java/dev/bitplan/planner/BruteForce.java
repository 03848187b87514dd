package dev.bitplan.planner;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Tries every combination of options (small problems only) and keeps the cheapest feasible plan. */
public final class BruteForce {

    private BruteForce() {
    }

    /** The optimal plan, or null when none is feasible. */
    public static PlanSolution solve(PlanProblem problem) {
        List<PlanLayer> layers = problem.layers();
        int[] index = new int[layers.size()];
        PlanSolution best = null;
        while (true) {
            Map<String, String> choice = new HashMap<>();
            for (int i = 0; i < layers.size(); i++) {
                choice.put(layers.get(i).name(), layers.get(i).options().get(index[i]).label());
            }
            PlanSolution s = PlanSolution.evaluate(problem, choice, "brute-force", 0);
            if (s.feasible() && (best == null || s.cost() < best.cost())) {
                best = s;
            }
            int i = 0;
            while (i < index.length && ++index[i] == layers.get(i).options().size()) {
                index[i++] = 0;
            }
            if (i == index.length) {
                return best;
            }
        }
    }
}
