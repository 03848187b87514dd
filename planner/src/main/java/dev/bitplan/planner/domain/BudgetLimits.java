package dev.bitplan.planner.domain;

/** Problem fact: the budgets in the solver's integer units; null = unconstrained. */
public record BudgetLimits(Long maxSizeBytes, Long maxLatencyNanos, Long maxBops) {
}
