package dev.bitplan.planner.domain;

/**
 * Planning value: one label a decision can take, with the totals over the decision's layers in the
 * solver's integer units (bytes, nanoseconds, BOPs, cost in millionths).
 */
public record OptionChoice(String label, long sizeBytes, long latencyNanos, long bops, long scaledCost) {
}
