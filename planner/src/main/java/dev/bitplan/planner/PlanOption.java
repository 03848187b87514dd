package dev.bitplan.planner;

import java.util.Objects;

/**
 * One choice for one layer (e.g. "w4a8", "w8a8", "w8a8-unfused", "float") with its measured costs.
 *
 * @param label     option name; tied layers must pick the same label
 * @param sizeBytes weight bytes of the layer under this option
 * @param latencyMs measured latency of the layer alone
 * @param bops      bit operations (MACs x weight bits x activation bits)
 * @param cost      measured sensitivity; typically >= 0, may be slightly negative from noise
 */
public record PlanOption(String label, long sizeBytes, double latencyMs, long bops, double cost) {

    public PlanOption {
        Objects.requireNonNull(label, "label");
        if (sizeBytes < 0 || bops < 0 || !(latencyMs >= 0)) {
            throw new IllegalArgumentException("option " + label + ": size, latency and BOPs must be >= 0");
        }
        if (!Double.isFinite(cost)) {
            throw new IllegalArgumentException("option " + label + ": cost must be finite, was " + cost);
        }
    }
}
