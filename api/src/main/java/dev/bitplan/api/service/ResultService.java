package dev.bitplan.api.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bitplan.api.persistence.CandidateEntity;
import dev.bitplan.api.persistence.JobEntity;
import dev.bitplan.api.persistence.ModelVersionEntity;
import dev.bitplan.api.service.problems.ConflictException;
import dev.bitplan.api.service.problems.ResourceNotFoundException;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.CandidateKind;
import dev.bitplan.contracts.search.CandidateProposal;
import dev.bitplan.contracts.search.LayerSensitivity;
import dev.bitplan.contracts.search.SearchProfile;
import dev.bitplan.contracts.search.SearchReport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What a job found: candidates, the Pareto front, sensitivity, the report, the deployable models. */
@ApplicationScoped
public class ResultService {

    @Inject
    EntityManager em;

    /** A candidate's deployable file: its exported model, or the uploaded model for the FP32 baseline. */
    public record Artifact(String sha256, String fileName) {
    }

    @Transactional
    public List<ObjectNode> candidates(String tenantId, String jobId, boolean frontOnly) {
        JobEntity job = JobService.require(tenantId, jobId);
        Map<String, Integer> order = new HashMap<>();
        if (job.profile != null) {
            for (CandidateProposal p : Json.read(job.profile, SearchProfile.class).proposals()) {
                order.putIfAbsent(p.id(), order.size());
            }
        }
        // the proposals' order (as in the report), then anything not proposed in arrival order
        return CandidateEntity.ofJob(jobId).stream().filter(c -> !frontOnly || c.onFront)
                .sorted(Comparator.comparingInt(c -> order.getOrDefault(c.proposalId, order.size())))
                .map(ResultService::view).toList();
    }

    @Transactional
    public List<LayerSensitivity> sensitivity(String tenantId, String jobId) {
        JobService.require(tenantId, jobId);
        return sensitivityOf(jobId);
    }

    @Transactional
    @SuppressWarnings("unchecked")
    public List<LayerSensitivity> sensitivityOf(String jobId) {
        List<String> rows = em.createNativeQuery("SELECT CAST(result AS text) FROM sensitivity WHERE job_id = ?1 ORDER BY measured_at, layer")
                .setParameter(1, jobId).getResultList();
        return rows.stream().map(r -> Json.read(r, LayerSensitivity.class)).toList();
    }

    /** The job's stored batch-1 latency entries, by layer and option label. */
    @Transactional
    @SuppressWarnings("unchecked")
    public Map<String, Map<String, Double>> latencyOf(String jobId) {
        List<Object[]> rows = em.createNativeQuery("SELECT layer, option_label, millis FROM latency_table WHERE job_id = ?1 ORDER BY layer, option_label")
                .setParameter(1, jobId).getResultList();
        Map<String, Map<String, Double>> out = new java.util.LinkedHashMap<>();
        for (Object[] r : rows) {
            out.computeIfAbsent((String) r[0], k -> new java.util.LinkedHashMap<>()).put((String) r[1], ((Number) r[2]).doubleValue());
        }
        return out;
    }

    @Transactional
    public SearchReport report(String tenantId, String jobId) {
        JobEntity job = JobService.require(tenantId, jobId);
        if (job.state != JobState.DONE || job.report == null) {
            throw new ConflictException("id", "job " + jobId + " is " + job.state + "; its report exists once it is DONE"
                    + (job.state == JobState.CANCELLED ? " (it was cancelled: submit it again for results)"
                    : job.state == JobState.FAILED ? " (it failed: " + job.error + ")" : " (follow GET /api/jobs/" + jobId + "/events)"));
        }
        return Json.read(job.report, SearchReport.class);
    }

    @Transactional
    public Artifact artifact(String tenantId, String candidateId) {
        CandidateEntity c = CandidateEntity.findById(candidateId);
        JobEntity job = c == null ? null : JobEntity.ofTenant(tenantId, c.jobId);
        if (job == null) {
            throw new ResourceNotFoundException("candidateId", "candidate", candidateId);
        }
        String name = c.proposalId.replaceAll("[^A-Za-z0-9._-]", "_") + ".onnx";
        if (c.artifactSha256 != null) {
            return new Artifact(c.artifactSha256, name);
        }
        if (c.kind == CandidateKind.BASELINE_FP32) {
            return new Artifact(ModelVersionEntity.<ModelVersionEntity>findById(job.modelVersionId).blobSha256, name);
        }
        throw new ResourceNotFoundException("candidateId", "deployable model for candidate", candidateId);
    }

    /** A candidate as the API shows it: the contract's Candidate plus its global id and where to download it. */
    static ObjectNode view(CandidateEntity c) {
        ObjectNode node = Json.mapper().valueToTree(Json.read(c.result, Candidate.class));
        node.put("candidateId", c.id);
        node.put("modelUrl", "/api/candidates/" + c.id + "/model");
        return node;
    }
}
