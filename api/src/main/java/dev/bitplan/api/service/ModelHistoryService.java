package dev.bitplan.api.service;

import dev.bitplan.api.config.ApiConfig;
import dev.bitplan.api.persistence.JobEntity;
import dev.bitplan.api.persistence.ModelEntity;
import dev.bitplan.api.persistence.ModelVersionEntity;
import dev.bitplan.api.persistence.NightlyJobEntity;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.search.SearchBudgets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@code GET /api/models/{name}/history}: the best metric within the budgets of each finished job, nightly verdicts beside. */
@ApplicationScoped
public class ModelHistoryService {

    /** The model's jobs that finished, and nightly jobs whatever their state, oldest first. */
    public record History(String model, double regressionThreshold, List<Entry> entries) {
    }

    /**
     * One job. {@code nightly} entries carry the job they repeated, its best metric, the verdict ({@code regression}, null
     * until the job is DONE), the layers reused and measured again, and what the webhook answered.
     */
    public record Entry(int version, String jobId, JobState state, boolean nightly, Instant finishedAt, SearchBudgets budgets,
                        Double bestMetric, String previousJobId, Double previousMetric, Boolean regression,
                        List<String> reusedLayers, List<String> remeasuredLayers, String webhookStatus) {
    }

    @Inject
    EntityManager em;

    @Inject
    ApiConfig config;

    @Transactional
    public History history(String tenantId, String name) {
        ModelEntity m = WatchService.model(tenantId, name);
        Map<String, ModelVersionEntity> versions = ModelVersionEntity.ofModel(m.id).stream().collect(Collectors.toMap(v -> v.id, v -> v));
        Map<String, NightlyJobEntity> nightly = NightlyJobEntity.ofModel(m.id).stream().collect(Collectors.toMap(n -> n.jobId, Function.identity()));
        List<JobEntity> jobs = JobEntity.list("modelVersionId in ?1 order by createdAt", List.copyOf(versions.keySet()));
        Map<String, Double> best = bestMetrics(jobs.stream().map(j -> j.id).toList());
        List<Entry> entries = jobs.stream().filter(j -> j.state == JobState.DONE || nightly.containsKey(j.id)).map(j -> {
            NightlyJobEntity n = nightly.get(j.id);
            return new Entry(versions.get(j.modelVersionId).version, j.id, j.state, n != null, j.finishedAt, JobService.spec(j).budgets(),
                    best.get(j.id), n == null ? null : n.previousJobId, n == null ? null : n.previousMetric, n == null ? null : n.regression,
                    n == null ? null : n.reusedLayerNames(), n == null ? null : n.remeasuredLayerNames(),
                    n == null ? null : n.webhookStatus);
        }).toList();
        return new History(m.name, config.nightly().regressionThreshold(), entries);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Double> bestMetrics(List<String> jobIds) {
        Map<String, Double> out = new HashMap<>();
        if (jobIds.isEmpty()) {
            return out;
        }
        List<Object[]> rows = em.createNativeQuery("SELECT job_id, max(metric) FROM candidates WHERE within_budgets AND job_id IN "
                        + "(SELECT jsonb_array_elements_text(CAST(?1 AS jsonb))) GROUP BY job_id")
                .setParameter(1, Json.write(jobIds)).getResultList();
        rows.forEach(r -> out.put((String) r[0], ((Number) r[1]).doubleValue()));
        return out;
    }
}
