package dev.bitplan.planner.internal;

/**
 * The integer units every solver judges budgets and scores in, so that all of them agree on what
 * "within budget" means: sizes in bytes, BOPs as given, latency in whole nanoseconds, cost in
 * millionths.
 */
public final class Units {

    /** Cost precision: 1e-6 of a cost unit per option, far below sensitivity measurement noise. */
    public static final double COST_SCALE = 1_000_000.0;

    private static final double NANOS_PER_MS = 1_000_000.0;

    private Units() {
    }

    /** Latency in nanoseconds, rounded; used for per-layer values and budgets alike. */
    public static long latencyNanos(double latencyMs) {
        return Math.round(latencyMs * NANOS_PER_MS);
    }

    /** Cost in millionths, rounded. */
    public static long scaledCost(double cost) {
        return Math.round(cost * COST_SCALE);
    }
}
