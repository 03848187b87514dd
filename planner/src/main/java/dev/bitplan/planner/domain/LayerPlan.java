package dev.bitplan.planner.domain;

import java.util.List;
import org.optaplanner.core.api.domain.solution.PlanningEntityCollectionProperty;
import org.optaplanner.core.api.domain.solution.PlanningScore;
import org.optaplanner.core.api.domain.solution.PlanningSolution;
import org.optaplanner.core.api.domain.solution.ProblemFactCollectionProperty;
import org.optaplanner.core.api.domain.solution.ProblemFactProperty;
import org.optaplanner.core.api.score.buildin.hardsoftlong.HardSoftLongScore;

/**
 * Planning solution: the decisions, the pair terms and the budgets. Hard score = -(budget excess in
 * bytes + nanoseconds + BOPs). Soft score = -(cost above each decision's cheapest option + pair
 * terms), in millionths of a cost unit: the plan's total cost minus a constant.
 */
@PlanningSolution
public class LayerPlan {

    @PlanningEntityCollectionProperty
    private List<LayerDecision> decisions;

    @ProblemFactCollectionProperty
    private List<PairTerm> pairs;

    @ProblemFactProperty
    private BudgetLimits budget;

    @PlanningScore
    private HardSoftLongScore score;

    /** For OptaPlanner's cloner. */
    public LayerPlan() {
    }

    public LayerPlan(List<LayerDecision> decisions, List<PairTerm> pairs, BudgetLimits budget) {
        this.decisions = decisions;
        this.pairs = pairs;
        this.budget = budget;
    }

    public List<LayerDecision> getDecisions() {
        return decisions;
    }

    public List<PairTerm> getPairs() {
        return pairs;
    }

    public BudgetLimits getBudget() {
        return budget;
    }

    public HardSoftLongScore getScore() {
        return score;
    }

    public void setScore(HardSoftLongScore score) {
        this.score = score;
    }
}
