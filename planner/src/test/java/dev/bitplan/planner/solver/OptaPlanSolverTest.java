package dev.bitplan.planner.solver;

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
import dev.bitplan.planner.exact.ExactSolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OptaPlanSolverTest {

    /** Only the deterministic work budget ends each run. */
    private static final SolverSettings UNHURRIED = SolverSettings.reproducible(42);

    @Test
    void staysWithinHalfAPercentOfTheExactOptimum() {
        int[] sizes = {20, 50, 100, 200, 300};
        ExactSolver exact = new ExactSolver(100_000);
        PlanProblem[] problems = new PlanProblem[sizes.length];
        PlanSolution[] oracles = new PlanSolution[sizes.length];
        double[] bounds = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            problems[i] = RandomProblems.halfwaySize(sizes[i], sizes[i]);
            oracles[i] = exact.solve(problems[i]);
            bounds[i] = exact.lowerBound(problems[i]);
        }
        OptaPlanSolver opta = new OptaPlanSolver();
        // Warm the JIT before timing: the first solves in a JVM run several times slower.
        opta.solve(RandomProblems.halfwaySize(50, 1));
        opta.solve(RandomProblems.halfwaySize(200, 1));
        for (int i = 0; i < sizes.length; i++) {
            PlanSolution s = opta.solve(problems[i]);
            double gap = (s.cost() - oracles[i].cost()) / oracles[i].cost();
            System.out.printf("n=%3d optaplanner %5d ms, gap vs oracle %+.4f%% (oracle %d ms, %.6f, lower bound %.6f)%n",
                    sizes[i], s.millis(), 100 * gap, oracles[i].millis(), oracles[i].cost(), bounds[i]);
            assertTrue(s.feasible(), "n=" + sizes[i]);
            assertTrue(gap <= 0.005, "n=" + sizes[i] + " gap " + gap);
            assertTrue(s.cost() >= bounds[i] - 1e-9, "nothing beats the lower bound");
            if (sizes[i] == 200) {
                assertTrue(s.millis() < 5_000, "200 layers took " + s.millis() + " ms");
            }
        }
    }

    @Test
    void sameSeedGivesTheSamePlan() {
        PlanProblem p = RandomProblems.halfwaySize(100, 5);
        PlanSolution first = new OptaPlanSolver(UNHURRIED).solve(p);
        PlanSolution second = new OptaPlanSolver(UNHURRIED).solve(p);
        assertEquals(first.choice(), second.choice());
        // A different seed walks another path (its plan may or may not coincide).
        assertTrue(new OptaPlanSolver(SolverSettings.reproducible(7)).solve(p).feasible());
    }

    @Test
    void pairInteractionsAndTiesMatchBruteForce() {
        Random r = new Random(17);
        OptaPlanSolver opta = new OptaPlanSolver(UNHURRIED);
        for (int k = 0; k < 15; k++) {
            PlanProblem base = RandomProblems.small(6, r);
            List<PairInteraction> pairs = new ArrayList<>();
            for (int i = 0; i + 1 < 6; i++) {
                // Adjacent layers both at 4 bits hurt more than the two alone; some combinations help.
                pairs.add(new PairInteraction("l" + i, "w4a8", "l" + (i + 1), "w4a8", 0.05 * r.nextDouble()));
                pairs.add(new PairInteraction("l" + i, "w8a8", "l" + (i + 1), "w4a8", -0.01 * r.nextDouble()));
            }
            PlanProblem p = new PlanProblem(base.layers(), pairs, List.of(new TieGroup(List.of("l0", "l4"))),
                    base.budgets());
            PlanSolution s = opta.solve(p);
            assertEquals(BruteForce.solve(p).cost(), s.cost(), 1e-9, "instance " + k);
            assertEquals(s.choice().get("l0"), s.choice().get("l4"));
        }
    }

    @Test
    void sizeLatencyAndBopsBudgetsTogetherMatchBruteForce() {
        Random r = new Random(23);
        OptaPlanSolver opta = new OptaPlanSolver(UNHURRIED);
        for (int k = 0; k < 15; k++) {
            PlanProblem base = RandomProblems.small(6, r);
            double fastest = 0;
            long fewest = 0;
            for (PlanLayer l : base.layers()) {
                fastest += l.options().stream().mapToDouble(PlanOption::latencyMs).min().orElseThrow();
                fewest += l.options().stream().mapToLong(PlanOption::bops).min().orElseThrow();
            }
            PlanProblem p = base.withBudgets(new Budgets(base.budgets().maxSizeBytes(), 1.6 * fastest, 4 * fewest));
            PlanSolution brute = BruteForce.solve(p);
            if (brute == null) {
                continue; // the three budgets leave no plan at all
            }
            PlanSolution s = opta.solve(p);
            assertTrue(s.feasible(), "instance " + k);
            assertEquals(brute.cost(), s.cost(), 1e-9, "instance " + k);
        }
    }

    @Test
    void tiedLayersTakeTheSameLabel() {
        PlanProblem base = RandomProblems.halfwaySize(60, 8);
        List<TieGroup> ties = List.of(new TieGroup(List.of("layer3", "layer10", "layer40")),
                new TieGroup(List.of("layer5", "layer6")));
        PlanSolution s = new OptaPlanSolver().solve(new PlanProblem(base.layers(), List.of(), ties, base.budgets()));
        assertTrue(s.feasible());
        for (TieGroup tie : ties) {
            assertEquals(1, tie.layers().stream().map(s.choice()::get).distinct().count(), tie.toString());
        }
    }

    @Test
    void sizeBudgetBelowTheSmallestPlanNamesTheSmallestSize() {
        PlanLayer a = new PlanLayer("a", List.of(new PlanOption("w8a8", 30_000, 1, 1, 0.1),
                new PlanOption("w4a8", 15_652, 1, 1, 0.3)));
        PlanLayer b = new PlanLayer("b", List.of(new PlanOption("w8a8", 51_304, 1, 1, 0.1),
                new PlanOption("w4a8", 25_652, 1, 1, 0.3)));
        PlanProblem p = new PlanProblem(List.of(a, b), Budgets.size(10_000));
        var e = assertThrows(InfeasibleBudgetException.class, () -> new OptaPlanSolver().solve(p));
        assertEquals("size budget 10,000 bytes is below the smallest possible plan "
                + "(41,304 bytes, every layer at its smallest option)", e.getMessage());
    }

    @Test
    void trivialProblemsSolveAtOnce() {
        PlanLayer fixed = new PlanLayer("fixed", List.of(new PlanOption("float", 40, 1, 1, 0)));
        PlanLayer free = new PlanLayer("free", List.of(new PlanOption("w8a8", 10, 1, 1, 0.2),
                new PlanOption("w4a8", 5, 1, 1, 0.9)));
        PlanSolution onlyFixed = new OptaPlanSolver().solve(new PlanProblem(List.of(fixed), Budgets.none()));
        assertEquals("float", onlyFixed.choice().get("fixed"));
        PlanSolution one = new OptaPlanSolver().solve(new PlanProblem(List.of(fixed, free), Budgets.size(45)));
        assertEquals("w4a8", one.choice().get("free"));
        long again = new OptaPlanSolver().solve(new PlanProblem(List.of(fixed, free), Budgets.size(45))).millis();
        System.out.printf("trivial problems: %d ms, %d ms, again %d ms%n", onlyFixed.millis(), one.millis(), again);
    }
}
