package dev.bitplan.contracts.search;

import java.util.List;

/** The per-layer table of a report: what the layer is and what each option costs and gains. */
public record LayerReport(String name, String kind, String pattern, long params, long macs, List<OptionReport> options) {

    /** One option with its size, latency and sensitivity. */
    public record OptionReport(String label, long sizeBytes, double latencyMs, long bops, OptionSensitivity sensitivity) {
    }
}
