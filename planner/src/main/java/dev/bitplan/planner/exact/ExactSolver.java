package dev.bitplan.planner.exact;

import dev.bitplan.planner.Budgets;
import dev.bitplan.planner.PlanProblem;
import dev.bitplan.planner.PlanSolution;
import dev.bitplan.planner.PlanSolver;
import dev.bitplan.planner.internal.BudgetCheck;
import dev.bitplan.planner.internal.DecisionGroups;
import dev.bitplan.planner.internal.DecisionGroups.Group;
import dev.bitplan.planner.internal.DecisionGroups.GroupOption;
import dev.bitplan.planner.internal.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Exact oracle for the additive problem: a multiple-choice knapsack solved by dynamic programming
 * over one budget dimension (size, latency or BOPs), tied layers merged into one item.
 *
 * <p>Scope: no pair interactions between different decisions (UnsupportedOperationException) and at
 * most one <em>binding</em> budget; a budget that even the all-largest plan meets is ignored, two or
 * more binding budgets throw UnsupportedOperationException (a 2-D table would cost buckets^2).
 *
 * <p>Precision: the DP runs over the slack C = budget - (all-smallest plan), in units u. Option
 * weights are taken relative to their group's smallest option and divided by their gcd first; when
 * C / gcd fits in {@code buckets}, u = gcd and the answer is exact. Otherwise u = ceil(C / buckets)
 * and each weight is rounded <em>up</em> to whole units, so the plan always fits the budget, and its
 * cost is at most the true optimum for the budget tightened by n*u (n = decisions), i.e. by at most
 * n/buckets of the slack; the cost gap is OPT(budget - n*u) - OPT(budget), zero when the exact
 * optimum leaves n*u of room. {@link #lowerBound} rounds down instead and brackets the optimum.
 */
public final class ExactSolver implements PlanSolver {

    /** Default table width: 20,000 buckets over the slack. */
    public static final int DEFAULT_BUCKETS = 20_000;

    private final int buckets;

    public ExactSolver() {
        this(DEFAULT_BUCKETS);
    }

    public ExactSolver(int buckets) {
        if (buckets < 1) {
            throw new IllegalArgumentException("buckets must be >= 1");
        }
        this.buckets = buckets;
    }

    @Override
    public PlanSolution solve(PlanProblem problem) {
        long start = System.nanoTime();
        DecisionGroups groups = prepare(problem);
        int[] pick = run(groups, problem.budgets(), true).pick;
        long millis = (System.nanoTime() - start) / 1_000_000;
        return PlanSolution.evaluate(problem, groups.expand(pick), "exact-dp", millis);
    }

    /**
     * A lower bound on the optimal cost: the same table with weights rounded down (a relaxation).
     * Equal to {@code solve(problem).cost()} when the table is exact.
     */
    public double lowerBound(PlanProblem problem) {
        return run(prepare(problem), problem.budgets(), false).cost;
    }

    private static DecisionGroups prepare(PlanProblem problem) {
        DecisionGroups groups = DecisionGroups.of(problem);
        if (!groups.pairs().isEmpty()) {
            throw new UnsupportedOperationException("ExactSolver solves the additive problem only; this one has "
                    + groups.pairs().size() + " pair interaction(s) between layers (use OptaPlanSolver)");
        }
        BudgetCheck.requireReachable(groups, problem.budgets());
        return groups;
    }

    private record Result(int[] pick, double cost) {
    }

    private Result run(DecisionGroups groups, Budgets budgets, boolean roundUp) {
        List<String> names = new ArrayList<>();
        List<ToLongFunction<GroupOption>> dims = new ArrayList<>();
        List<Long> limits = new ArrayList<>();
        addIfBinding(groups, "size", GroupOption::sizeBytes, budgets.maxSizeBytes(), names, dims, limits);
        addIfBinding(groups, "latency", GroupOption::latencyNanos,
                budgets.maxLatencyMs() == null ? null : Units.latencyNanos(budgets.maxLatencyMs()), names, dims, limits);
        addIfBinding(groups, "BOPs", GroupOption::bops, budgets.maxBops(), names, dims, limits);
        if (dims.size() > 1) {
            throw new UnsupportedOperationException("ExactSolver handles one binding budget; "
                    + String.join(" and ", names) + " budgets both bind (use OptaPlanSolver)");
        }
        if (dims.isEmpty()) {
            return cheapest(groups);
        }
        long slack = limits.get(0) - BudgetCheck.sumOfMin(groups, dims.get(0));
        return knapsack(groups, dims.get(0), slack, roundUp);
    }

    private static void addIfBinding(DecisionGroups groups, String name, ToLongFunction<GroupOption> dim, Long limit,
                                     List<String> names, List<ToLongFunction<GroupOption>> dims, List<Long> limits) {
        if (limit != null && BudgetCheck.sumOfMax(groups, dim) > limit) {
            names.add(name);
            dims.add(dim);
            limits.add(limit);
        }
    }

    private static Result cheapest(DecisionGroups groups) {
        int[] pick = new int[groups.groups().size()];
        double total = 0;
        for (int g = 0; g < pick.length; g++) {
            List<GroupOption> options = groups.groups().get(g).options();
            for (int o = 1; o < options.size(); o++) {
                if (options.get(o).cost() < options.get(pick[g]).cost()) {
                    pick[g] = o;
                }
            }
            total += options.get(pick[g]).cost();
        }
        return new Result(pick, total);
    }

    private Result knapsack(DecisionGroups groups, ToLongFunction<GroupOption> dim, long slack, boolean roundUp) {
        List<Group> gs = groups.groups();
        long[][] extra = new long[gs.size()][];
        long gcd = 0;
        for (int g = 0; g < gs.size(); g++) {
            List<GroupOption> options = gs.get(g).options();
            long min = options.stream().mapToLong(dim).min().orElseThrow();
            extra[g] = options.stream().mapToLong(dim).map(v -> v - min).toArray();
            for (long e : extra[g]) {
                gcd = gcd(gcd, e);
            }
        }
        long unit = Math.max(1, gcd);
        if (slack / unit > buckets) {
            unit = (slack + buckets - 1) / buckets; // coarser than the gcd: no longer exact
        }
        int cap = (int) (slack / unit);

        // best[c] = least cost of the groups so far within c units; choice[g][c] = option taken.
        double[] best = new double[cap + 1];
        byte[][] choice = new byte[gs.size()][cap + 1]; // option index per group and capacity
        int[][] weight = new int[gs.size()][];
        for (int g = 0; g < gs.size(); g++) {
            List<GroupOption> options = gs.get(g).options();
            if (options.size() > Byte.MAX_VALUE) {
                throw new UnsupportedOperationException("ExactSolver handles at most 127 options per layer");
            }
            weight[g] = new int[options.size()];
            for (int o = 0; o < options.size(); o++) {
                long units = roundUp ? ceilDiv(extra[g][o], unit) : extra[g][o] / unit;
                weight[g][o] = (int) Math.min(units, cap + 1L); // > cap = never fits
            }
            double[] next = new double[cap + 1];
            for (int c = 0; c <= cap; c++) {
                double bestHere = Double.POSITIVE_INFINITY;
                byte pick = -1;
                for (int o = 0; o < options.size(); o++) {
                    int w = weight[g][o];
                    if (w <= c) {
                        double v = best[c - w] + options.get(o).cost();
                        if (v < bestHere) {
                            bestHere = v;
                            pick = (byte) o;
                        }
                    }
                }
                next[c] = bestHere;
                choice[g][c] = pick;
            }
            best = next;
        }

        int[] pick = new int[gs.size()];
        int c = cap;
        for (int g = gs.size() - 1; g >= 0; g--) {
            pick[g] = choice[g][c];
            c -= weight[g][pick[g]];
        }
        return new Result(pick, best[cap]);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
