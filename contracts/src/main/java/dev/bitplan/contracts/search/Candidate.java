package dev.bitplan.contracts.search;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.bitplan.contracts.plan.QuantPlan;

/**
 * One evaluated plan.
 *
 * @param id                   stable within a report: {@code fp32}, {@code int8}, {@code int4}, {@code plan-1}, ...
 * @param kind                 a baseline or the solver's; in JSON {@code solver}, {@code baseline-fp32}, {@code baseline-int8} or {@code baseline-int4}
 * @param metric               the simulated metric on the validation samples; in a QAT search, the fine-tuned model's where
 *                             it was fine-tuned (the front and the recommendation judge this), else the PTQ one
 * @param deployedMetric       the exported model's metric, run as deployed (every candidate is exported and re-run; the
 *                             fine-tuned model's export where QAT ran)
 * @param sizeBytes            modelled size (the solver's figure: weights at their bits, scales, the rest of the model)
 * @param exportedBytes        size of the exported file (null when not exported); size budgets and the front judge this
 * @param latencyMs            measured batch-1 latency of the deployed model (null when not measured); latency budgets
 *                             and the front judge this
 * @param estimatedLatencyMs   the latency table's additive estimate (what the solver planned with)
 * @param objective            the solver's objective (summed sensitivity plus interactions)
 * @param onFront              on the Pareto front over (metric up, size down, latency down)
 * @param withinBudgets        meets every budget and floor of the search
 * @param ptqMetric            QAT searches only: the plan's metric after post-training quantization alone
 * @param qatMetric            QAT searches only: the fine-tuned model's metric under the plan, scored as PTQ plans are;
 *                             null where QAT did not run ({@code qat.skipped} says why)
 * @param qat                  QAT searches only: the training's figures, or why it was skipped
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Candidate(String id, CandidateKind kind, QuantPlan plan, double metric, Double deployedMetric, long sizeBytes,
                        Long exportedBytes, Double latencyMs, double estimatedLatencyMs, long bops, double objective,
                        boolean onFront, boolean withinBudgets, Double ptqMetric, Double qatMetric, QatTraining qat) {

    /** A PTQ candidate (no QAT figures). */
    public Candidate(String id, CandidateKind kind, QuantPlan plan, double metric, Double deployedMetric, long sizeBytes,
                     Long exportedBytes, Double latencyMs, double estimatedLatencyMs, long bops, double objective,
                     boolean onFront, boolean withinBudgets) {
        this(id, kind, plan, metric, deployedMetric, sizeBytes, exportedBytes, latencyMs, estimatedLatencyMs, bops, objective,
                onFront, withinBudgets, null, null, null);
    }

    /** This candidate with the report's front and budget flags. */
    public Candidate marked(boolean front, boolean within) {
        return new Candidate(id, kind, plan, metric, deployedMetric, sizeBytes, exportedBytes, latencyMs, estimatedLatencyMs, bops,
                objective, front, within, ptqMetric, qatMetric, qat);
    }

    /**
     * This PTQ candidate fine-tuned: its metric becomes the tuned model's, its export and what was measured on it the tuned
     * model's; the PTQ metric is kept beside it.
     */
    public Candidate tuned(double tunedMetric, double tunedDeployedMetric, long tunedExportedBytes, Double tunedLatencyMs,
                           QatTraining training) {
        return new Candidate(id, kind, plan, tunedMetric, tunedDeployedMetric, sizeBytes, tunedExportedBytes, tunedLatencyMs,
                estimatedLatencyMs, bops, objective, onFront, withinBudgets, metric, tunedMetric, training);
    }

    /** This candidate with its latency measured again (all candidates timed together). */
    public Candidate withLatency(Double ms) {
        return new Candidate(id, kind, plan, metric, deployedMetric, sizeBytes, exportedBytes, ms, estimatedLatencyMs, bops,
                objective, onFront, withinBudgets, ptqMetric, qatMetric, qat);
    }

    /** This PTQ candidate in a QAT search that did not fine-tune it, and why. */
    public Candidate notTuned(String reason) {
        return new Candidate(id, kind, plan, metric, deployedMetric, sizeBytes, exportedBytes, latencyMs, estimatedLatencyMs, bops,
                objective, onFront, withinBudgets, metric, null, QatTraining.skipped(reason));
    }

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
