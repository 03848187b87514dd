package dev.bitplan.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.planner.internal.DecisionGroups;
import dev.bitplan.planner.greedy.GreedySolver;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The problem model: evaluation, tie merging, pair folding, validation and budget messages. */
class PlanProblemTest {

    private static PlanLayer layer(String name, long w8Size, double w8Cost) {
        return new PlanLayer(name, List.of(
                new PlanOption("w8a8", w8Size, 1.0, 64 * w8Size, w8Cost),
                new PlanOption("w4a8", w8Size / 2, 0.9, 32 * w8Size, 10 * w8Cost)));
    }

    @Test
    void evaluationCountsAPairOnlyWhenBothOptionsAreTaken() {
        PlanProblem p = new PlanProblem(List.of(layer("a", 100, 0.1), layer("b", 200, 0.2)),
                List.of(new PairInteraction("a", "w4a8", "b", "w4a8", 0.5)), List.of(), Budgets.size(200));
        PlanSolution both = PlanSolution.evaluate(p, Map.of("a", "w4a8", "b", "w4a8"), "test", 0);
        assertEquals(1.0 + 2.0 + 0.5, both.cost(), 1e-12);
        assertEquals(150, both.sizeBytes());
        assertTrue(both.feasible());
        PlanSolution one = PlanSolution.evaluate(p, Map.of("a", "w4a8", "b", "w8a8"), "test", 0);
        assertEquals(1.0 + 0.2, one.cost(), 1e-12);
        assertFalse(one.feasible(), "250 bytes against 200");
        assertEquals(List.of("a", "b"), List.copyOf(one.choice().keySet()), "problem order");
    }

    @Test
    void aBrokenTieIsInfeasible() {
        PlanProblem p = new PlanProblem(List.of(layer("a", 100, 0.1), layer("b", 200, 0.2)), List.of(),
                List.of(new TieGroup(List.of("a", "b"))), Budgets.none());
        assertFalse(PlanSolution.evaluate(p, Map.of("a", "w4a8", "b", "w8a8"), "test", 0).feasible());
        assertTrue(PlanSolution.evaluate(p, Map.of("a", "w4a8", "b", "w4a8"), "test", 0).feasible());
    }

    @Test
    void tiesMergeTransitivelyOnSharedLabels() {
        PlanLayer c = new PlanLayer("c", List.of(new PlanOption("w8a8", 10, 1, 1, 0.1),
                new PlanOption("float", 40, 1, 1, 0.0)));
        PlanProblem p = new PlanProblem(List.of(layer("a", 100, 0.1), layer("b", 200, 0.2), c),
                List.of(new PairInteraction("a", "w8a8", "c", "w8a8", 0.25)),
                List.of(new TieGroup(List.of("a", "b")), new TieGroup(List.of("b", "c"))), Budgets.none());
        DecisionGroups groups = DecisionGroups.of(p);
        assertEquals(1, groups.groups().size());
        DecisionGroups.Group g = groups.groups().get(0);
        assertEquals(List.of("a", "b", "c"), g.layers());
        assertEquals(1, g.options().size(), "only w8a8 is shared by all three");
        assertEquals(310, g.options().get(0).sizeBytes());
        assertEquals(0.1 + 0.2 + 0.1 + 0.25, g.options().get(0).cost(), 1e-12, "inner pair folded in");
        assertTrue(groups.pairs().isEmpty());
    }

    @Test
    void rejectsInconsistentInput() {
        PlanLayer a = layer("a", 100, 0.1);
        assertThrows(IllegalArgumentException.class, () -> new PlanProblem(List.of(a, a), Budgets.none()));
        assertThrows(IllegalArgumentException.class, () -> DecisionGroups.of(new PlanProblem(List.of(a), List.of(),
                List.of(new TieGroup(List.of("a", "nope"))), Budgets.none())));
        assertThrows(IllegalArgumentException.class, () -> DecisionGroups.of(new PlanProblem(List.of(a),
                List.of(new PairInteraction("a", "w2a8", "a", "w8a8", 1)), List.of(), Budgets.none())));
        PlanLayer floatOnly = new PlanLayer("f", List.of(new PlanOption("float", 1, 1, 1, 0)));
        assertThrows(IllegalArgumentException.class, () -> DecisionGroups.of(new PlanProblem(List.of(a, floatOnly),
                List.of(), List.of(new TieGroup(List.of("a", "f"))), Budgets.none())));
        assertThrows(IllegalArgumentException.class, () -> new PlanOption("x", -1, 0, 0, 0));
    }

    @Test
    void latencyAndBopsMessagesNameTheSmallestReachableValue() {
        PlanProblem p = new PlanProblem(List.of(layer("a", 1000, 0.1), layer("b", 3000, 0.2)), Budgets.none());
        var latency = assertThrows(InfeasibleBudgetException.class,
                () -> new GreedySolver().solve(p.withBudgets(new Budgets(null, 1.0, null))));
        assertEquals("latency budget 1.0000 ms is below the smallest possible plan "
                + "(1.8000 ms, every layer at its fastest option)", latency.getMessage());
        var bops = assertThrows(InfeasibleBudgetException.class,
                () -> new GreedySolver().solve(p.withBudgets(new Budgets(null, null, 1_000L))));
        assertEquals("BOPs budget 1,000 is below the smallest possible plan "
                + "(128,000 BOPs, every layer at its option with fewest BOPs)", bops.getMessage());
    }
}
