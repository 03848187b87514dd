package dev.bitplan.api.service;

import dev.bitplan.api.config.ApiConfig;
import dev.bitplan.api.persistence.JobEntity;
import dev.bitplan.api.persistence.ModelEntity;
import dev.bitplan.api.persistence.ModelVersionEntity;
import dev.bitplan.api.persistence.ModelWatchEntity;
import dev.bitplan.api.persistence.NightlyJobEntity;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchReport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When a nightly job is DONE: the note of which layers it reused, and the comparison of its front with the previous
 * version's at the same budgets (the same spec): the best metric of a candidate within every budget, a drop beyond
 * {@code bitplan.nightly.regression-threshold} a regression, queued for the model's webhook when one is set.
 */
@ApplicationScoped
public class NightlyComparison {

    /**
     * The webhook's JSON body (and what a regression looks like in the history).
     *
     * @param drop  previousMetric - metric; null when either has no candidate within the budgets
     */
    public record Regression(String event, String model, int version, int previousVersion, String jobId, String previousJobId,
                             String metricName, Double metric, Double previousMetric, Double drop, double threshold,
                             SearchBudgets budgets, List<String> reusedLayers, List<String> remeasuredLayers, String comparedAt,
                             String jobUrl) {
    }

    @Inject
    EntityManager em;

    @Inject
    ApiConfig config;

    /** Within the transaction that marks the job DONE; returns the report, with a note when the job is a nightly one. */
    public SearchReport onDone(JobEntity job, SearchReport report) {
        NightlyJobEntity n = NightlyJobEntity.findById(job.id);
        if (n == null) {
            return report;
        }
        List<String> reused = n.reusedLayerNames();
        List<String> remeasured = n.remeasuredLayerNames();
        n.metric = bestWithinBudgets(report.candidates());
        n.previousMetric = previousBest(n.previousJobId);
        Double drop = n.metric == null || n.previousMetric == null ? null : n.previousMetric - n.metric;
        double threshold = config.nightly().regressionThreshold();
        n.regression = n.previousMetric != null && (n.metric == null || drop > threshold);
        n.comparedAt = Instant.now();
        List<String> notes = new ArrayList<>(report.notes() == null ? List.of() : report.notes());
        notes.add("nightly re-search of job " + n.previousJobId + ": sensitivity and latency of " + reused.size() + " of "
                + (reused.size() + remeasured.size()) + " layers reused (same digest of the layer and its upstream graph): " + reused
                + "; measured again: " + remeasured);
        notes.add(n.regression ? "nightly regression: best metric within the budgets " + format(n.metric) + " against " + format(n.previousMetric)
                + " before (threshold " + threshold + ")" : "nightly comparison: best metric within the budgets " + format(n.metric)
                + " against " + format(n.previousMetric) + " before; no regression (threshold " + threshold + ")");
        ModelWatchEntity watch = ModelWatchEntity.ofModel(n.modelId);
        if (n.regression && watch != null && watch.webhookUrl != null) {
            // an outbox row: WebhookSender posts it once this transaction has committed
            n.webhookUrl = watch.webhookUrl;
            try {
                n.webhookBody = Json.write(regression(n, job, report, reused, remeasured, drop, threshold));
                n.webhookStatus = WebhookSender.PENDING;
            } catch (RuntimeException e) {
                // the job's results stand whatever becomes of its notification
                n.webhookStatus = "failed: " + e.getMessage();
            }
        }
        return new SearchReport(report.schemaVersion(), report.metricName(), report.inputs(), report.settings(), report.fp32(),
                report.budgets(), report.layers(), report.pairs(), report.candidates(), report.recommended(), report.recommendation(),
                notes, report.stageMillis());
    }

    private Regression regression(NightlyJobEntity n, JobEntity job, SearchReport report, List<String> reused, List<String> remeasured,
                                  Double drop, double threshold) {
        ModelVersionEntity version = ModelVersionEntity.findById(job.modelVersionId);
        JobEntity previous = n.previousJobId == null ? null : JobEntity.findById(n.previousJobId);
        ModelVersionEntity before = previous == null ? null : ModelVersionEntity.findById(previous.modelVersionId);
        ModelEntity model = ModelEntity.findById(n.modelId);
        return new Regression("nightly.regression", model.name, version.version, before == null ? 0 : before.version, job.id,
                n.previousJobId, report.metricName(), n.metric, n.previousMetric, drop, threshold, report.budgets(), reused, remeasured,
                n.comparedAt.toString(), "/api/jobs/" + job.id);
    }

    /** The best metric of a candidate within every budget; null when none is. */
    static Double bestWithinBudgets(List<Candidate> candidates) {
        return candidates.stream().filter(Candidate::withinBudgets).map(Candidate::metric).max(Double::compare).orElse(null);
    }

    private Double previousBest(String jobId) {
        if (jobId == null) {
            return null;
        }
        Object best = em.createNativeQuery("SELECT max(metric) FROM candidates WHERE job_id = ?1 AND within_budgets").setParameter(1, jobId)
                .getSingleResult();
        return best == null ? null : ((Number) best).doubleValue();
    }

    private static String format(Double metric) {
        return metric == null ? "none" : String.format(java.util.Locale.ROOT, "%.4f", metric);
    }
}
