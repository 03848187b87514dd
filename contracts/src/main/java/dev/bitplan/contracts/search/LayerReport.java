package dev.bitplan.contracts.search;

import java.util.List;

/**
 * The per-layer table of a report: what the layer is and what each option costs and gains.
 *
 * @param input   calibration's view of the layer's input (null when no calibration ran, as in a dynamic-only job, or
 *                for a Gather, whose input is indices)
 * @param output  calibration's view of the layer's group output (null when no calibration ran)
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record LayerReport(String name, String kind, String pattern, long params, long macs, List<OptionReport> options,
                          TensorRangeReport input, TensorRangeReport output) {

    public LayerReport(String name, String kind, String pattern, long params, long macs, List<OptionReport> options) {
        this(name, kind, pattern, params, macs, options, null, null);
    }

    /**
     * One option with its size, latency and sensitivity; {@code latencyMsAtBatch} is the same layer's median
     * latency at the batch size the search named ({@code null} when it named none).
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record OptionReport(String label, long sizeBytes, double latencyMs, Double latencyMsAtBatch, long bops,
                               OptionSensitivity sensitivity) {
    }
}
