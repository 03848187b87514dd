package dev.bitplan.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.planner.exact.ExactSolver;
import dev.bitplan.planner.solver.OptaPlanSolver;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ParetoSweepTest {

    @Test
    void budgetsRunEvenlyFromSmallestToLargest() {
        assertEquals(List.of(100L, 125L, 150L, 175L, 200L), new ParetoSweep(new ExactSolver(), 5).budgets(100, 200));
        assertEquals(List.of(200L), new ParetoSweep(new ExactSolver(), 1).budgets(100, 200));
    }

    @Test
    void givesDistinctFeasiblePlansFromSmallestToCheapest() {
        // Small sizes: the slack stays under 1e6 bytes, so the table is exact at every budget.
        PlanProblem p = RandomProblems.small(10, new Random(3)).withBudgets(Budgets.none());
        List<PlanSolution> curve = new ParetoSweep(new ExactSolver(1_000_000)).sweep(p);
        assertTrue(curve.size() > 1 && curve.size() <= ParetoSweep.DEFAULT_POINTS);
        assertEquals(curve.size(), new HashSet<>(curve.stream().map(PlanSolution::choice).toList()).size());
        // First point: the all-smallest plan; last: the cheapest plan of all.
        long smallest = p.layers().stream()
                .mapToLong(l -> l.options().stream().mapToLong(PlanOption::sizeBytes).min().orElseThrow()).sum();
        assertEquals(smallest, curve.get(0).sizeBytes());
        assertEquals(new ExactSolver(1_000_000).solve(p).cost(), curve.get(curve.size() - 1).cost(), 1e-12);
        for (int i = 1; i < curve.size(); i++) {
            assertTrue(curve.get(i).cost() <= curve.get(i - 1).cost(), "more bytes never cost more");
            assertTrue(curve.get(i).feasible());
        }
    }

    @Test
    void worksWithTheOptaPlannerSolver() {
        PlanProblem p = RandomProblems.small(6, new Random(1)).withBudgets(Budgets.none());
        List<PlanSolution> curve = new ParetoSweep(new OptaPlanSolver(), 4).sweep(p);
        assertTrue(curve.stream().allMatch(s -> "optaplanner".equals(s.solverName()) && s.feasible()));
    }

    @Test
    void refusesAProblemThatAlreadyHasASizeBudget() {
        PlanProblem p = RandomProblems.small(3, new Random(1));
        assertThrows(IllegalArgumentException.class, () -> new ParetoSweep(new ExactSolver()).sweep(p));
    }
}
