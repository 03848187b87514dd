package dev.bitplan.search;

import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.SearchBudgets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Picks the recommended candidate: the best metric among those within every budget and floor (ties go to
 * the smaller). When none qualifies there is no recommendation, and the reason names the closest one.
 * Budgets are judged on what a user gets: size on the exported file, latency on the deployed model's measured
 * latency ({@link Candidate#budgetBytes()}, {@link Candidate#budgetLatencyMs()}); the modelled size and the
 * estimate the solver planned with are reported beside them.
 */
record Recommendation(List<Candidate> candidates, String recommended, String reason) {

    /** @param fp32Bytes what a size ratio is a ratio of: the float model's file */
    static Recommendation pick(List<Candidate> candidates, SearchBudgets budgets, double fp32Metric, long fp32Bytes) {
        Long size = budgets.sizeLimit(fp32Bytes);
        Double floor = budgets.metricFloor(fp32Metric);
        List<Candidate> marked = new ArrayList<>();
        for (Candidate c : candidates) {
            boolean ok = violation(c, size, budgets, floor) == 0;
            marked.add(c.marked(c.onFront(), ok));
        }
        Candidate best = marked.stream().filter(Candidate::withinBudgets)
                .max(Comparator.comparingDouble(Candidate::metric).thenComparing(Comparator.comparingLong(Candidate::budgetBytes).reversed()))
                .orElse(null);
        if (best != null) {
            return new Recommendation(marked, best.id(), String.format(Locale.ROOT,
                    "%s: the best %s (%.4f) of the %d candidates within all budgets", best.id(), best.qatMetric() != null ? "metric after QAT" : "metric", best.metric(),
                    marked.stream().filter(Candidate::withinBudgets).count()));
        }
        Candidate closest = marked.stream().min(Comparator.comparingDouble(c -> violation(c, size, budgets, floor))).orElseThrow();
        return new Recommendation(marked, null, String.format(Locale.ROOT,
                "no candidate meets every budget; closest: %s (%s)", closest.id(), describe(closest, size, budgets, floor)));
    }

    /** Summed relative excess over each budget; 0 when all hold. */
    static double violation(Candidate c, Long size, SearchBudgets b, Double floor) {
        double v = 0;
        if (size != null && c.budgetBytes() > size) {
            v += (double) (c.budgetBytes() - size) / size;
        }
        if (b.maxLatencyMs() != null && c.budgetLatencyMs() > b.maxLatencyMs()) {
            v += (c.budgetLatencyMs() - b.maxLatencyMs()) / b.maxLatencyMs();
        }
        if (b.maxBops() != null && c.bops() > b.maxBops()) {
            v += (double) (c.bops() - b.maxBops()) / b.maxBops();
        }
        if (floor != null && c.metric() < floor) {
            v += (floor - c.metric()) / Math.max(Math.abs(floor), 1e-9);
        }
        return v;
    }

    private static String describe(Candidate c, Long size, SearchBudgets b, Double floor) {
        List<String> misses = new ArrayList<>();
        if (size != null && c.budgetBytes() > size) {
            misses.add(String.format(Locale.ROOT, "%s %,d > %,d bytes", c.exportedBytes() != null ? "file" : "size", c.budgetBytes(), size));
        }
        if (b.maxLatencyMs() != null && c.budgetLatencyMs() > b.maxLatencyMs()) {
            misses.add(String.format(Locale.ROOT, "latency %.3f > %.3f ms%s", c.budgetLatencyMs(), b.maxLatencyMs(),
                    c.latencyMs() != null ? "" : " (estimated)"));
        }
        if (b.maxBops() != null && c.bops() > b.maxBops()) {
            misses.add(String.format(Locale.ROOT, "BOPs %,d > %,d", c.bops(), b.maxBops()));
        }
        if (floor != null && c.metric() < floor) {
            misses.add(String.format(Locale.ROOT, "metric %.4f < %.4f", c.metric(), floor));
        }
        return String.join(", ", misses);
    }
}
