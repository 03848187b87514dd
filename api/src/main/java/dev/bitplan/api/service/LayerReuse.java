package dev.bitplan.api.service;

import dev.bitplan.contracts.json.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which layers of a new version a nightly job need not measure again, and the copy of their rows. A layer is reused
 * when the previous job measured it and its digest with its upstream graph ({@code model_layers.graph_digest}, from
 * {@code engine.layers.LayerDigests}) is the same in both versions: its weights, fusion group and every producer of its
 * inputs are unchanged, so on the same samples (same datasets and seed) it sees the same inputs and errs the same.
 * The copied rows are what a resuming worker skips: sensitivity rows and batch-1 latency entries.
 */
@ApplicationScoped
public class LayerReuse {

    /** The layers of the new version, split into those whose rows are copied and those the worker measures. */
    public record Split(List<String> reused, List<String> remeasured) {
    }

    @Inject
    EntityManager em;

    /** Must run in a transaction; the new job's row must exist. */
    public Split copy(String previousJobId, String previousVersionId, String newJobId, String newVersionId) {
        Map<String, String> before = digests(previousVersionId);
        Map<String, String> now = digests(newVersionId);
        List<String> measuredBefore = sensitivityLayers(previousJobId);
        List<String> reused = new ArrayList<>();
        List<String> remeasured = new ArrayList<>();
        now.forEach((layer, digest) -> {
            boolean same = digest != null && Objects.equals(digest, before.get(layer)) && measuredBefore.contains(layer);
            (same ? reused : remeasured).add(layer);
        });
        if (!reused.isEmpty()) {
            String layers = Json.write(reused);
            em.createNativeQuery("INSERT INTO sensitivity (job_id, layer, result, measured_at, worker) "
                            + "SELECT ?1, s.layer, s.result, s.measured_at, 'reused from job ' || ?2 FROM sensitivity s "
                            + "WHERE s.job_id = ?2 AND s.layer IN (SELECT jsonb_array_elements_text(CAST(?3 AS jsonb)))")
                    .setParameter(1, newJobId).setParameter(2, previousJobId).setParameter(3, layers).executeUpdate();
            em.createNativeQuery("INSERT INTO latency_table (job_id, layer, option_label, millis) "
                            + "SELECT ?1, t.layer, t.option_label, t.millis FROM latency_table t "
                            + "WHERE t.job_id = ?2 AND t.layer IN (SELECT jsonb_array_elements_text(CAST(?3 AS jsonb)))")
                    .setParameter(1, newJobId).setParameter(2, previousJobId).setParameter(3, layers).executeUpdate();
        }
        return new Split(reused, remeasured);
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> digests(String versionId) {
        Map<String, String> out = new LinkedHashMap<>();
        // ctid: the order the rows were written in, which is the layers' order in the graph
        List<Object[]> rows = em.createNativeQuery("SELECT layer_name, graph_digest FROM model_layers WHERE model_version_id = ?1 ORDER BY ctid")
                .setParameter(1, versionId).getResultList();
        rows.forEach(r -> out.put((String) r[0], r[1] == null ? null : r[1].toString().trim()));
        return out;
    }

    @SuppressWarnings("unchecked")
    private List<String> sensitivityLayers(String jobId) {
        return em.createNativeQuery("SELECT layer FROM sensitivity WHERE job_id = ?1").setParameter(1, jobId).getResultList();
    }
}
