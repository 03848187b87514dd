package dev.bitplan.planner;

/** Something that turns a {@link PlanProblem} into a {@link PlanSolution}. */
public interface PlanSolver {

    /**
     * Solves the problem.
     *
     * @throws InfeasibleBudgetException when a budget is below the all-smallest plan
     */
    PlanSolution solve(PlanProblem problem);
}
