package dev.bitplan.contracts.search;

import dev.bitplan.contracts.plan.QuantPlan;

/**
 * A plan the search wants measured, before measurement: a baseline or a solver's plan.
 *
 * @param id                  stable within a job: {@code fp32}, {@code int8}, {@code int4}, {@code plan-1}, ...
 * @param objective           the solver's objective (summed sensitivity plus interactions); 0 for baselines
 * @param estimatedLatencyMs  the latency table's additive estimate, known only where the table was measured
 */
public record CandidateProposal(String id, CandidateKind kind, QuantPlan plan, double objective, double estimatedLatencyMs) {

    public boolean fp32() {
        return kind == CandidateKind.BASELINE_FP32;
    }
}
