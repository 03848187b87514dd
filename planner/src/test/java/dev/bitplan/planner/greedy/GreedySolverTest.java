package dev.bitplan.planner.greedy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.planner.Budgets;
import dev.bitplan.planner.InfeasibleBudgetException;
import dev.bitplan.planner.PlanLayer;
import dev.bitplan.planner.PlanOption;
import dev.bitplan.planner.PlanProblem;
import dev.bitplan.planner.PlanSolution;
import dev.bitplan.planner.RandomProblems;
import dev.bitplan.planner.exact.ExactSolver;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GreedySolverTest {

    private final GreedySolver greedy = new GreedySolver();

    @Test
    void feasibleAndNeverBelowTheOracle() {
        Random r = new Random(31);
        ExactSolver exact = new ExactSolver(1_000_000);
        for (int k = 0; k < 40; k++) {
            PlanProblem p = RandomProblems.small(8, r);
            PlanSolution g = greedy.solve(p);
            assertTrue(g.feasible(), "instance " + k);
            assertTrue(g.cost() >= exact.solve(p).cost() - 1e-12, "instance " + k);
        }
        for (int n : new int[] {50, 200}) {
            PlanProblem p = RandomProblems.halfwaySize(n, n);
            PlanSolution g = greedy.solve(p);
            assertTrue(g.feasible());
            assertTrue(g.cost() >= new ExactSolver(100_000).lowerBound(p) - 1e-12);
        }
    }

    @Test
    void stepsTheLayerWithTheCheapestSavingPerByte() {
        // Both start at w8a8 (cheapest). Stepping a to w4a8 saves 50 bytes for +0.5 (0.01 per byte),
        // b saves 50 bytes for +5 (0.1 per byte): a goes first and that is enough.
        PlanLayer a = new PlanLayer("a", List.of(new PlanOption("w8a8", 100, 1, 1, 0.0),
                new PlanOption("w4a8", 50, 1, 1, 0.5)));
        PlanLayer b = new PlanLayer("b", List.of(new PlanOption("w8a8", 100, 1, 1, 0.0),
                new PlanOption("w4a8", 50, 1, 1, 5.0)));
        PlanSolution s = greedy.solve(new PlanProblem(List.of(a, b), Budgets.size(150)));
        assertEquals("w4a8", s.choice().get("a"));
        assertEquals("w8a8", s.choice().get("b"));
    }

    @Test
    void latencyBudgetIsMetToo() {
        PlanProblem base = RandomProblems.small(8, new Random(4));
        double fastest = base.layers().stream()
                .mapToDouble(l -> l.options().stream().mapToDouble(PlanOption::latencyMs).min().orElseThrow()).sum();
        PlanSolution s = greedy.solve(base.withBudgets(new Budgets(null, 1.2 * fastest, null)));
        assertTrue(s.feasible());
        assertTrue(s.latencyMs() <= 1.2 * fastest + 1e-9);
    }

    @Test
    void budgetBelowTheSmallestPlanIsRejected() {
        PlanProblem p = RandomProblems.small(4, new Random(2));
        assertThrows(InfeasibleBudgetException.class, () -> greedy.solve(p.withBudgets(Budgets.size(1))));
    }
}
