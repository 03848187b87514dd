package dev.bitplan.search;

import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import dev.bitplan.planner.Budgets;
import dev.bitplan.planner.ParetoSweep;
import dev.bitplan.planner.PlanLayer;
import dev.bitplan.planner.PlanOption;
import dev.bitplan.planner.PlanProblem;
import dev.bitplan.planner.PlanSolution;
import dev.bitplan.planner.PlanSolver;
import dev.bitplan.planner.solver.OptaPlanSolver;
import dev.bitplan.planner.solver.SolverSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Solves the user's budget (when a size budget is given) and a sweep of K size budgets from the
 * all-smallest to the all-largest plan, with the user's latency / BOPs budgets held throughout.
 * Budgets below the smallest possible plan fail first, naming the smallest feasible figure.
 */
final class BudgetSweep {

    private final int points;
    private final PlanSolver solver;

    BudgetSweep(int points, long seed) {
        this.points = points;
        // work-bounded, not time-bounded: the same seed gives the same plans however loaded the machine is
        this.solver = new OptaPlanSolver(SolverSettings.reproducible(seed));
    }

    /**
     * @param fixedBytes   model bytes outside the layers (added to report whole-model sizes)
     * @param fixedMillis  latency outside the layers
     */
    List<PlanSolution> solve(PlanProblem problem, long fixedBytes, double fixedMillis) {
        checkFeasible(problem, fixedBytes, fixedMillis);
        List<PlanSolution> out = new ArrayList<>();
        if (problem.budgets().maxSizeBytes() != null) {
            out.add(solver.solve(problem));
        }
        PlanProblem open = problem.withBudgets(problem.budgets().withMaxSizeBytes(null));
        out.addAll(new ParetoSweep(solver, points).sweep(open));
        return out;
    }

    static void checkFeasible(PlanProblem problem, long fixedBytes, double fixedMillis) {
        Budgets b = problem.budgets();
        long minSize = 0;
        double minLatency = 0;
        long minBops = 0;
        for (PlanLayer l : problem.layers()) {
            minSize += l.options().stream().mapToLong(PlanOption::sizeBytes).min().orElse(0);
            minLatency += l.options().stream().mapToDouble(PlanOption::latencyMs).min().orElse(0);
            minBops += l.options().stream().mapToLong(PlanOption::bops).min().orElse(0);
        }
        if (b.maxSizeBytes() != null && b.maxSizeBytes() < minSize) {
            throw infeasible(String.format(Locale.ROOT, "size budget %,d bytes is below the smallest possible plan: %,d bytes "
                    + "(every layer at its smallest option)", b.maxSizeBytes() + fixedBytes, minSize + fixedBytes));
        }
        if (b.maxLatencyMs() != null && b.maxLatencyMs() < minLatency) {
            throw infeasible(String.format(Locale.ROOT, "latency budget %.3f ms is below the fastest possible plan: %.3f ms "
                    + "(estimated from the latency table)", b.maxLatencyMs() + fixedMillis, minLatency + fixedMillis));
        }
        if (b.maxBops() != null && b.maxBops() < minBops) {
            throw infeasible(String.format(Locale.ROOT, "BOPs budget %,d is below the smallest possible plan: %,d", b.maxBops(), minBops));
        }
    }

    private static InvalidInputException infeasible(String message) {
        return new InvalidInputException(Problem.UNUSABLE, "infeasible budget: " + message);
    }
}
