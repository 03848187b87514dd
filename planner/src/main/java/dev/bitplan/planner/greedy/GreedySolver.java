package dev.bitplan.planner.greedy;

import dev.bitplan.planner.Budgets;
import dev.bitplan.planner.InfeasibleBudgetException;
import dev.bitplan.planner.PlanProblem;
import dev.bitplan.planner.PlanSolution;
import dev.bitplan.planner.PlanSolver;
import dev.bitplan.planner.internal.BudgetCheck;
import dev.bitplan.planner.internal.DecisionGroups;
import dev.bitplan.planner.internal.DecisionGroups.GroupOption;
import dev.bitplan.planner.internal.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The AIMET-style baseline: start every layer (tie group) at its lowest-cost option, then
 * repeatedly step the layer whose next-smaller option costs the least extra per unit saved, until
 * every budget holds.
 *
 * <p>"Smaller" is measured in the first budget still exceeded (size, then latency, then BOPs); a
 * step may not grow any other budgeted dimension, so the walk always ends. Pair interactions are
 * ignored while choosing (they still count in the reported cost).
 */
public final class GreedySolver implements PlanSolver {

    private record Dimension(String name, ToLongFunction<GroupOption> value, long limit) {
    }

    @Override
    public PlanSolution solve(PlanProblem problem) {
        long start = System.nanoTime();
        DecisionGroups groups = DecisionGroups.of(problem);
        BudgetCheck.requireReachable(groups, problem.budgets());
        List<Dimension> dims = dimensions(problem.budgets());

        int n = groups.groups().size();
        int[] pick = new int[n];
        for (int g = 0; g < n; g++) {
            pick[g] = lowestCost(groups.groups().get(g).options());
        }
        Dimension over;
        while ((over = firstExceeded(groups, pick, dims)) != null) {
            int bestGroup = -1;
            int bestOption = -1;
            double bestRatio = Double.POSITIVE_INFINITY;
            for (int g = 0; g < n; g++) {
                List<GroupOption> options = groups.groups().get(g).options();
                int next = nextSmaller(options, pick[g], over, dims);
                if (next < 0) {
                    continue;
                }
                GroupOption from = options.get(pick[g]);
                GroupOption to = options.get(next);
                double saved = over.value().applyAsLong(from) - over.value().applyAsLong(to);
                double ratio = (to.cost() - from.cost()) / saved;
                if (ratio < bestRatio) {
                    bestRatio = ratio;
                    bestGroup = g;
                    bestOption = next;
                }
            }
            if (bestGroup < 0) {
                throw new InfeasibleBudgetException("greedy found no plan within all budgets together: "
                        + over.name() + " still exceeds its budget with no smaller step left");
            }
            pick[bestGroup] = bestOption;
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return PlanSolution.evaluate(problem, groups.expand(pick), "greedy", millis);
    }

    private static List<Dimension> dimensions(Budgets b) {
        List<Dimension> dims = new ArrayList<>();
        if (b.maxSizeBytes() != null) {
            dims.add(new Dimension("size", GroupOption::sizeBytes, b.maxSizeBytes()));
        }
        if (b.maxLatencyMs() != null) {
            dims.add(new Dimension("latency", GroupOption::latencyNanos, Units.latencyNanos(b.maxLatencyMs())));
        }
        if (b.maxBops() != null) {
            dims.add(new Dimension("BOPs", GroupOption::bops, b.maxBops()));
        }
        return dims;
    }

    private static int lowestCost(List<GroupOption> options) {
        int best = 0;
        for (int o = 1; o < options.size(); o++) {
            GroupOption a = options.get(o);
            GroupOption b = options.get(best);
            if (a.cost() < b.cost() || (a.cost() == b.cost() && a.sizeBytes() < b.sizeBytes())) {
                best = o;
            }
        }
        return best;
    }

    private static Dimension firstExceeded(DecisionGroups groups, int[] pick, List<Dimension> dims) {
        for (Dimension d : dims) {
            long total = 0;
            for (int g = 0; g < pick.length; g++) {
                total += d.value().applyAsLong(groups.groups().get(g).options().get(pick[g]));
            }
            if (total > d.limit()) {
                return d;
            }
        }
        return null;
    }

    /** The closest option strictly smaller in {@code over} that grows no budgeted dimension, or -1. */
    private static int nextSmaller(List<GroupOption> options, int current, Dimension over, List<Dimension> dims) {
        GroupOption from = options.get(current);
        long fromValue = over.value().applyAsLong(from);
        int best = -1;
        for (int o = 0; o < options.size(); o++) {
            GroupOption to = options.get(o);
            long value = over.value().applyAsLong(to);
            if (value >= fromValue || grows(from, to, dims)) {
                continue;
            }
            if (best < 0) {
                best = o;
                continue;
            }
            GroupOption held = options.get(best);
            long heldValue = over.value().applyAsLong(held);
            if (value > heldValue || (value == heldValue && to.cost() < held.cost())) {
                best = o;
            }
        }
        return best;
    }

    private static boolean grows(GroupOption from, GroupOption to, List<Dimension> dims) {
        for (Dimension d : dims) {
            if (d.value().applyAsLong(to) > d.value().applyAsLong(from)) {
                return true;
            }
        }
        return false;
    }
}
