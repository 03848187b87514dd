package dev.bitplan.contracts.search;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.bitplan.contracts.plan.QuantPlan;

/**
 * One evaluated plan.
 *
 * @param id                   stable within a report: {@code fp32}, {@code int8}, {@code int4}, {@code plan-1}, ...
 * @param kind                 a baseline or the solver's; in JSON {@code solver}, {@code baseline-fp32}, {@code baseline-int8} or {@code baseline-int4}
 * @param metric               the simulated metric on the validation samples
 * @param deployedMetric       the exported model's metric, run as deployed (every candidate is exported and re-run)
 * @param sizeBytes            modelled size (the solver's figure: weights at their bits, scales, the rest of the model)
 * @param exportedBytes        size of the exported file (null when not exported); size budgets and the front judge this
 * @param latencyMs            measured batch-1 latency of the deployed model (null when not measured); latency budgets
 *                             and the front judge this
 * @param estimatedLatencyMs   the latency table's additive estimate (what the solver planned with)
 * @param objective            the solver's objective (summed sensitivity plus interactions)
 * @param onFront              on the Pareto front over (metric up, size down, latency down)
 * @param withinBudgets        meets every budget and floor of the search
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Candidate(String id, CandidateKind kind, QuantPlan plan, double metric, Double deployedMetric, long sizeBytes,
                        Long exportedBytes, Double latencyMs, double estimatedLatencyMs, long bops, double objective,
                        boolean onFront, boolean withinBudgets) {

    /** The size budgets judge: the exported file's, the modelled size where nothing was exported. */
    @JsonIgnore
    public long budgetBytes() {
        return exportedBytes != null ? exportedBytes : sizeBytes;
    }

    /** The latency budgets judge: the measured one, the estimate where nothing was measured. */
    @JsonIgnore
    public double budgetLatencyMs() {
        return latencyMs != null ? latencyMs : estimatedLatencyMs;
    }
}
