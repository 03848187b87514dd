package dev.bitplan.planner;

import dev.bitplan.planner.internal.BudgetCheck;
import dev.bitplan.planner.internal.DecisionGroups;
import dev.bitplan.planner.internal.DecisionGroups.GroupOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Size/cost trade-off curve: solves one problem for K size budgets evenly spaced from the
 * all-smallest to the all-largest plan (both ends included) and keeps the distinct feasible plans.
 */
public final class ParetoSweep {

    /** Default number of budgets. */
    public static final int DEFAULT_POINTS = 8;

    private final PlanSolver solver;
    private final int points;

    public ParetoSweep(PlanSolver solver) {
        this(solver, DEFAULT_POINTS);
    }

    public ParetoSweep(PlanSolver solver, int points) {
        if (points < 1) {
            throw new IllegalArgumentException("a sweep needs at least one point");
        }
        this.solver = solver;
        this.points = points;
    }

    /**
     * Solves at each budget, smallest first; other budgets of the problem (latency, BOPs) stay.
     * Plans that come out infeasible (other budgets) or repeat an earlier choice are dropped.
     *
     * @throws IllegalArgumentException when the problem already has a size budget
     */
    public List<PlanSolution> sweep(PlanProblem problem) {
        if (problem.budgets().maxSizeBytes() != null) {
            throw new IllegalArgumentException("the sweep sets the size budget itself; the problem already has one");
        }
        DecisionGroups groups = DecisionGroups.of(problem);
        long min = BudgetCheck.sumOfMin(groups, GroupOption::sizeBytes);
        long max = BudgetCheck.sumOfMax(groups, GroupOption::sizeBytes);
        List<PlanSolution> out = new ArrayList<>();
        Set<Map<String, String>> seen = new HashSet<>();
        for (long budget : budgets(min, max)) {
            PlanSolution s = solver.solve(problem.withBudgets(problem.budgets().withMaxSizeBytes(budget)));
            if (s.feasible() && seen.add(s.choice())) {
                out.add(s);
            }
        }
        return out;
    }

    /** The K budgets: min, ..., max evenly spaced (just max when K = 1). */
    List<Long> budgets(long min, long max) {
        List<Long> out = new ArrayList<>();
        if (points == 1) {
            out.add(max);
            return out;
        }
        for (int i = 0; i < points; i++) {
            out.add(min + (max - min) * i / (points - 1));
        }
        return out;
    }
}
