package dev.bitplan.contracts.search;

import java.util.List;

/** The per-layer table of a report: what the layer is and what each option costs and gains. */
public record LayerReport(String name, String kind, String pattern, long params, long macs, List<OptionReport> options) {

    /**
     * One option with its size, latency and sensitivity; {@code latencyMsAtBatch} is the same layer's median
     * latency at the batch size the search named ({@code null} when it named none).
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record OptionReport(String label, long sizeBytes, double latencyMs, Double latencyMsAtBatch, long bops,
                               OptionSensitivity sensitivity) {
    }
}
