package dev.bitplan.planner;

/**
 * Upper bounds on the whole plan; a null field leaves that dimension unconstrained.
 *
 * @param maxSizeBytes total weight bytes
 * @param maxLatencyMs summed per-layer latency estimate
 * @param maxBops      total bit operations
 */
public record Budgets(Long maxSizeBytes, Double maxLatencyMs, Long maxBops) {

    public Budgets {
        if (maxLatencyMs != null && Double.isNaN(maxLatencyMs)) {
            throw new IllegalArgumentException("latency budget is NaN");
        }
    }

    private static final Budgets NONE = new Budgets(null, null, null);

    /** No budget at all: the plan is simply the cheapest option per layer (ties and pairs aside). */
    public static Budgets none() {
        return NONE;
    }

    /** Only a size budget. */
    public static Budgets size(long maxSizeBytes) {
        return new Budgets(maxSizeBytes, null, null);
    }

    /** The same budgets with the BOPs budget replaced. */
    public Budgets withMaxBops(Long newMaxBops) {
        return new Budgets(maxSizeBytes, maxLatencyMs, newMaxBops);
    }

    /** The same budgets with the size budget replaced. */
    public Budgets withMaxSizeBytes(Long bytes) {
        return new Budgets(bytes, maxLatencyMs, maxBops);
    }
}
