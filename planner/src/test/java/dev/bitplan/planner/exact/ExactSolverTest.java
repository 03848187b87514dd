package dev.bitplan.planner.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.planner.BruteForce;
import dev.bitplan.planner.Budgets;
import dev.bitplan.planner.InfeasibleBudgetException;
import dev.bitplan.planner.PairInteraction;
import dev.bitplan.planner.PlanLayer;
import dev.bitplan.planner.PlanOption;
import dev.bitplan.planner.PlanProblem;
import dev.bitplan.planner.PlanSolution;
import dev.bitplan.planner.RandomProblems;
import dev.bitplan.planner.TieGroup;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactSolverTest {

    @Test
    void matchesBruteForceWhenThePrecisionIsFine() {
        Random r = new Random(7);
        ExactSolver exact = new ExactSolver(1_000_000); // slack < 1e6 bytes here: one byte per bucket
        for (int k = 0; k < 60; k++) {
            PlanProblem p = RandomProblems.small(6, r);
            PlanSolution brute = BruteForce.solve(p);
            PlanSolution dp = exact.solve(p);
            assertTrue(dp.feasible());
            assertEquals(brute.cost(), dp.cost(), 1e-12, "instance " + k);
            assertEquals(dp.cost(), exact.lowerBound(p), 1e-12, "exact table: bound = optimum");
        }
    }

    @Test
    void coarseBucketsStayFeasibleAndBracketTheOptimum() {
        Random r = new Random(11);
        ExactSolver coarse = new ExactSolver(50);
        for (int k = 0; k < 60; k++) {
            PlanProblem p = RandomProblems.small(6, r);
            double optimum = BruteForce.solve(p).cost();
            PlanSolution dp = coarse.solve(p);
            assertTrue(dp.feasible(), "rounding sizes up keeps the plan within budget");
            assertTrue(dp.cost() >= optimum - 1e-12);
            assertTrue(coarse.lowerBound(p) <= optimum + 1e-12);
        }
    }

    @Test
    void tiedLayersAreOneItem() {
        Random r = new Random(3);
        for (int k = 0; k < 20; k++) {
            PlanProblem base = RandomProblems.small(6, r);
            PlanProblem p = new PlanProblem(base.layers(), List.of(),
                    List.of(new TieGroup(List.of("l1", "l3")), new TieGroup(List.of("l3", "l5"))), base.budgets());
            PlanSolution dp = new ExactSolver(1_000_000).solve(p);
            assertEquals(BruteForce.solve(p).cost(), dp.cost(), 1e-12);
            assertEquals(dp.choice().get("l1"), dp.choice().get("l3"));
            assertEquals(dp.choice().get("l3"), dp.choice().get("l5"));
        }
    }

    @Test
    void latencyAloneIsTheKnapsackDimensionWhenItBinds() {
        Random r = new Random(5);
        for (int k = 0; k < 20; k++) {
            PlanProblem base = RandomProblems.small(6, r);
            PlanProblem p = base.withBudgets(new Budgets(null, 1.5 * fastest(base), null));
            PlanSolution dp = new ExactSolver().solve(p);
            assertTrue(dp.feasible());
            assertEquals(BruteForce.solve(p).cost(), dp.cost(), 1e-9);
        }
    }

    @Test
    void aSecondBudgetThatNeverBindsIsIgnored() {
        PlanProblem base = RandomProblems.small(6, new Random(9));
        PlanProblem p = base.withBudgets(base.budgets().withMaxBops(Long.MAX_VALUE));
        assertEquals(BruteForce.solve(p).cost(), new ExactSolver(1_000_000).solve(p).cost(), 1e-12);
    }

    @Test
    void twoBindingBudgetsAreOutOfScope() {
        PlanProblem base = RandomProblems.small(6, new Random(9));
        PlanProblem p = base.withBudgets(new Budgets(base.budgets().maxSizeBytes(), 1.5 * fastest(base), null));
        var e = assertThrows(UnsupportedOperationException.class, () -> new ExactSolver().solve(p));
        assertTrue(e.getMessage().contains("size and latency"), e.getMessage());
    }

    @Test
    void pairInteractionsAreOutOfScope() {
        PlanProblem base = RandomProblems.small(3, new Random(1));
        PlanProblem p = new PlanProblem(base.layers(),
                List.of(new PairInteraction("l0", "w4a8", "l1", "w4a8", 0.1)), List.of(), base.budgets());
        assertThrows(UnsupportedOperationException.class, () -> new ExactSolver().solve(p));
    }

    @Test
    void noBudgetTakesTheCheapestOptionEverywhere() {
        PlanLayer a = new PlanLayer("a", List.of(new PlanOption("w8a8", 10, 1, 1, 0.2),
                new PlanOption("float", 40, 2, 2, -0.001)));
        PlanSolution s = new ExactSolver().solve(new PlanProblem(List.of(a), Budgets.none()));
        assertEquals("float", s.choice().get("a"));
    }

    @Test
    void budgetBelowTheSmallestPlanIsRejected() {
        PlanProblem base = RandomProblems.small(4, new Random(2));
        var e = assertThrows(InfeasibleBudgetException.class,
                () -> new ExactSolver().solve(base.withBudgets(Budgets.size(10))));
        assertTrue(e.getMessage().startsWith("size budget 10 bytes is below the smallest possible plan ("),
                e.getMessage());
    }

    /** Latency of the all-fastest plan; 1.5 times it binds (float is 2.5x slower than 8-bit). */
    private static double fastest(PlanProblem p) {
        return p.layers().stream()
                .mapToDouble(l -> l.options().stream().mapToDouble(PlanOption::latencyMs).min().orElseThrow()).sum();
    }
}
