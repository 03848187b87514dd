package dev.bitplan.planner.solver;

import dev.bitplan.planner.domain.BudgetLimits;
import dev.bitplan.planner.domain.LayerDecision;
import dev.bitplan.planner.domain.LayerPlan;
import dev.bitplan.planner.domain.OptionChoice;
import dev.bitplan.planner.domain.PairTerm;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.optaplanner.core.api.score.buildin.hardsoftlong.HardSoftLongScore;
import org.optaplanner.test.api.score.stream.ConstraintVerifier;

/** One ConstraintVerifier test per constraint, on hand-sized decisions. */
class PlanConstraintProviderTest {

    private static final OptionChoice W8 = new OptionChoice("w8a8", 100, 2_000, 6_400, 1_000);
    private static final OptionChoice W4 = new OptionChoice("w4a8", 50, 1_800, 3_200, 9_000);
    private static final OptionChoice NOISY = new OptionChoice("float", 400, 5_000, 100_000, -300);
    private static final List<OptionChoice> OPTIONS = List.of(W8, W4, NOISY);

    private final ConstraintVerifier<PlanConstraintProvider, LayerPlan> verifier =
            ConstraintVerifier.build(new PlanConstraintProvider(), LayerPlan.class, LayerDecision.class);

    private static LayerDecision decision(String id, OptionChoice option) {
        return new LayerDecision(id, OPTIONS, option);
    }

    @Test
    void sizeBudget() {
        LayerDecision a = decision("a", W8);
        LayerDecision b = decision("b", W4);
        verifier.verifyThat(PlanConstraintProvider::sizeBudget)
                .given(a, b, new BudgetLimits(120L, null, null))
                .penalizesBy(30); // 150 bytes against 120
        verifier.verifyThat(PlanConstraintProvider::sizeBudget)
                .given(a, b, new BudgetLimits(150L, null, null))
                .penalizesBy(0);
        verifier.verifyThat(PlanConstraintProvider::sizeBudget)
                .given(a, b, new BudgetLimits(null, 1L, 1L))
                .penalizesBy(0);
    }

    @Test
    void latencyBudget() {
        LayerDecision a = decision("a", W8);
        LayerDecision b = decision("b", W4);
        verifier.verifyThat(PlanConstraintProvider::latencyBudget)
                .given(a, b, new BudgetLimits(null, 3_000L, null))
                .penalizesBy(800); // 3,800 ns against 3,000
        verifier.verifyThat(PlanConstraintProvider::latencyBudget)
                .given(a, b, new BudgetLimits(null, 3_800L, null))
                .penalizesBy(0);
        verifier.verifyThat(PlanConstraintProvider::latencyBudget)
                .given(a, b, new BudgetLimits(1L, null, 1L))
                .penalizesBy(0);
    }

    @Test
    void bopsBudget() {
        LayerDecision a = decision("a", W8);
        LayerDecision b = decision("b", W4);
        verifier.verifyThat(PlanConstraintProvider::bopsBudget)
                .given(a, b, new BudgetLimits(null, null, 9_000L))
                .penalizesBy(600); // 9,600 BOPs against 9,000
        verifier.verifyThat(PlanConstraintProvider::bopsBudget)
                .given(a, b, new BudgetLimits(null, null, 9_600L))
                .penalizesBy(0);
        verifier.verifyThat(PlanConstraintProvider::bopsBudget)
                .given(a, b, new BudgetLimits(1L, 1L, null))
                .penalizesBy(0);
    }

    @Test
    void optionCost() {
        // Counted above each decision's cheapest option ("float" at -300 here).
        verifier.verifyThat(PlanConstraintProvider::optionCost)
                .given(decision("a", W8), decision("b", W4), new BudgetLimits(null, null, null))
                .penalizesBy(1_300 + 9_300);
        verifier.verifyThat(PlanConstraintProvider::optionCost)
                .given(decision("a", NOISY), decision("b", NOISY), new BudgetLimits(null, null, null))
                .penalizesBy(0);
    }

    @Test
    void pairPenalty() {
        PairTerm bothLow = new PairTerm("a", "w4a8", "b", "w4a8", 5_000);
        verifier.verifyThat(PlanConstraintProvider::pairPenalty)
                .given(decision("a", W4), decision("b", W4), bothLow)
                .penalizesBy(5_000);
        // Only one side matches: the term does not apply.
        verifier.verifyThat(PlanConstraintProvider::pairPenalty)
                .given(decision("a", W4), decision("b", W8), bothLow)
                .penalizesBy(0);
        verifier.verifyThat(PlanConstraintProvider::pairPenalty)
                .given(decision("a", W8), decision("b", W4), bothLow)
                .penalizesBy(0);
    }

    @Test
    void pairBonus() {
        PairTerm together = new PairTerm("a", "w4a8", "b", "w8a8", -2_000);
        verifier.verifyThat(PlanConstraintProvider::pairBonus)
                .given(decision("a", W4), decision("b", W8), together)
                .rewardsWith(2_000);
        verifier.verifyThat(PlanConstraintProvider::pairBonus)
                .given(decision("a", W4), decision("b", W4), together)
                .rewardsWith(0);
    }

    @Test
    void wholePlanScore() {
        // All constraints at once: 50 bytes over, cost above cheapest 1,300 + 9,300, one pair term.
        verifier.verifyThat()
                .given(decision("a", W8), decision("b", W4), new BudgetLimits(100L, null, null),
                        new PairTerm("a", "w8a8", "b", "w4a8", 700))
                .scores(HardSoftLongScore.of(-50, -(1_300 + 9_300 + 700)));
    }
}
