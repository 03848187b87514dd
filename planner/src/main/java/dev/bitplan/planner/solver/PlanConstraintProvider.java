package dev.bitplan.planner.solver;

import static org.optaplanner.core.api.score.stream.ConstraintCollectors.sumLong;
import static org.optaplanner.core.api.score.stream.Joiners.equal;
import static org.optaplanner.core.api.score.stream.Joiners.filtering;

import dev.bitplan.planner.domain.BudgetLimits;
import dev.bitplan.planner.domain.LayerDecision;
import dev.bitplan.planner.domain.PairTerm;
import org.optaplanner.core.api.score.buildin.hardsoftlong.HardSoftLongScore;
import org.optaplanner.core.api.score.stream.Constraint;
import org.optaplanner.core.api.score.stream.ConstraintFactory;
import org.optaplanner.core.api.score.stream.ConstraintProvider;
import org.optaplanner.core.api.score.stream.tri.TriConstraintStream;

/** The plan's rules: budgets are hard (penalised by their excess), cost is soft. */
public class PlanConstraintProvider implements ConstraintProvider {

    @Override
    public Constraint[] defineConstraints(ConstraintFactory factory) {
        return new Constraint[] {
            // Hard constraints
            sizeBudget(factory),
            latencyBudget(factory),
            bopsBudget(factory),
            // Soft constraints
            optionCost(factory),
            pairPenalty(factory),
            pairBonus(factory),
        };
    }

    // The plan's total weight bytes stay within the size budget.
    Constraint sizeBudget(ConstraintFactory factory) {
        return factory.forEach(LayerDecision.class)
                .groupBy(sumLong(d -> d.getOption().sizeBytes()))
                .join(BudgetLimits.class, filtering((total, budget) ->
                        budget.maxSizeBytes() != null && total > budget.maxSizeBytes()))
                .penalizeLong(HardSoftLongScore.ONE_HARD, (total, budget) -> total - budget.maxSizeBytes())
                .asConstraint("Size budget");
    }

    // The plan's summed layer latency stays within the latency budget.
    Constraint latencyBudget(ConstraintFactory factory) {
        return factory.forEach(LayerDecision.class)
                .groupBy(sumLong(d -> d.getOption().latencyNanos()))
                .join(BudgetLimits.class, filtering((total, budget) ->
                        budget.maxLatencyNanos() != null && total > budget.maxLatencyNanos()))
                .penalizeLong(HardSoftLongScore.ONE_HARD, (total, budget) -> total - budget.maxLatencyNanos())
                .asConstraint("Latency budget");
    }

    // The plan's total bit operations stay within the BOPs budget.
    Constraint bopsBudget(ConstraintFactory factory) {
        return factory.forEach(LayerDecision.class)
                .groupBy(sumLong(d -> d.getOption().bops()))
                .join(BudgetLimits.class, filtering((total, budget) ->
                        budget.maxBops() != null && total > budget.maxBops()))
                .penalizeLong(HardSoftLongScore.ONE_HARD, (total, budget) -> total - budget.maxBops())
                .asConstraint("BOPs budget");
    }

    // Each decision pays the measured sensitivity of its option, counted above its cheapest option
    // so that slightly negative (noisy) measurements still give a non-negative penalty.
    Constraint optionCost(ConstraintFactory factory) {
        return factory.forEach(LayerDecision.class)
                .filter(d -> d.getExtraScaledCost() > 0)
                .penalizeLong(HardSoftLongScore.ONE_SOFT, LayerDecision::getExtraScaledCost)
                .asConstraint("Option cost");
    }

    // A pair term with extra cost counts when both of its decisions take the named options.
    Constraint pairPenalty(ConstraintFactory factory) {
        return pairsTaken(factory, true)
                .penalizeLong(HardSoftLongScore.ONE_SOFT, (pair, a, b) -> pair.scaledExtra())
                .asConstraint("Pair interaction penalty");
    }

    // A pair term with negative extra cost (the two choices do better together) is a bonus.
    Constraint pairBonus(ConstraintFactory factory) {
        return pairsTaken(factory, false)
                .rewardLong(HardSoftLongScore.ONE_SOFT, (pair, a, b) -> -pair.scaledExtra())
                .asConstraint("Pair interaction bonus");
    }

    /** Pair terms of one sign whose two decisions both hold the named labels. */
    private static TriConstraintStream<PairTerm, LayerDecision, LayerDecision> pairsTaken(ConstraintFactory factory,
                                                                                         boolean positive) {
        return factory.forEach(PairTerm.class)
                .filter(pair -> positive ? pair.scaledExtra() > 0 : pair.scaledExtra() < 0)
                .join(LayerDecision.class,
                        equal(PairTerm::decisionA, LayerDecision::getId),
                        equal(PairTerm::labelA, LayerDecision::getLabel))
                .join(LayerDecision.class,
                        equal((pair, a) -> pair.decisionB(), LayerDecision::getId),
                        equal((pair, a) -> pair.labelB(), LayerDecision::getLabel));
    }
}
