package dev.bitplan.api.service;

import dev.bitplan.api.persistence.BlobStore;
import dev.bitplan.api.persistence.CandidateEntity;
import dev.bitplan.api.persistence.DatasetEntity;
import dev.bitplan.api.persistence.JobEntity;
import dev.bitplan.api.persistence.ModelEntity;
import dev.bitplan.api.persistence.ModelVersionEntity;
import dev.bitplan.api.service.Views.JobView;
import dev.bitplan.api.service.Views.Progress;
import dev.bitplan.api.service.problems.ConflictException;
import dev.bitplan.api.service.problems.ResourceNotFoundException;
import dev.bitplan.api.service.problems.UnprocessableRequestException;
import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.messaging.SearchRequested;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.metrics.TokenMask;
import dev.bitplan.planner.InfeasibleBudgetException;
import dev.bitplan.search.Feasibility;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** Submitting jobs (everything checked before the 202), reading them, cancelling them. */
@ApplicationScoped
public class JobService {

    @Inject
    ModelService models;

    @Inject
    BlobStore blobs;

    @Inject
    JobEvents events;

    /** Checks the request against the tenant's files and the budgets, then stores the job QUEUED. */
    public JobView submit(String tenantId, JobRequest request) {
        return submit(tenantId, request, job -> {
        });
    }

    /** As {@link #submit(String, JobRequest)}; {@code inTransaction} runs in the transaction that stores the job (before dispatch). */
    public JobView submit(String tenantId, JobRequest request, java.util.function.Consumer<JobEntity> inTransaction) {
        JobSpec spec = request.spec() == null ? JobSpec.defaults() : request.spec();
        QatSettings.check(spec);
        ModelVersionEntity version = models.resolve(tenantId, request.modelVersionId(), request.model(), request.version());
        DatasetEntity data = QuarkusTransaction.requiringNew().call(() -> DatasetService.require(tenantId, request.datasetId(), "datasetId"));
        DatasetEntity calibration = request.calibrationDatasetId() == null ? null
                : QuarkusTransaction.requiringNew().call(() -> DatasetService.require(tenantId, request.calibrationDatasetId(), "calibrationDatasetId"));
        InputCompatibility.check(ModelService.inputs(version), DatasetService.arrays(data), "datasetId");
        if (calibration != null) {
            InputCompatibility.check(ModelService.inputs(version), DatasetService.arrays(calibration), "calibrationDatasetId");
        }
        if (spec.trainData() != null) {
            DatasetEntity train = QuarkusTransaction.requiringNew().call(() -> DatasetService.require(tenantId, spec.trainData(), QatSettings.TRAIN_DATA));
            InputCompatibility.check(ModelService.inputs(version), DatasetService.arrays(train), QatSettings.TRAIN_DATA);
        }
        if (spec.metricOrNull() == Metric.ACCURACY && !data.hasLabels) {
            throw new UnprocessableRequestException("spec.metric", "metric 'accuracy' needs a 'labels' array in the dataset; "
                    + "add labels or use 'agreement' (top-1 against the FP32 model)");
        }
        Metric metric = spec.metricOrNull();
        if (metric != null && metric.perToken()
                && ModelService.inputs(version).stream().noneMatch(i -> i.name().equals(TokenMask.INPUT))) {
            throw new UnprocessableRequestException("spec.metric", "metric '" + metric.id() + "' needs a token model: an '"
                    + TokenMask.INPUT + "' input marking the real tokens of each sample; this model's inputs are "
                    + ModelService.inputs(version).stream().map(i -> i.name()).toList() + "; use 'cosine'");
        }
        int needed = (calibration == null ? spec.calibrationSamples() : 0) + spec.sensitivitySamples() + 1;
        if (data.samples < needed) {
            throw new UnprocessableRequestException("datasetId", "the dataset has " + data.samples + " samples; this search needs "
                    + needed + " (" + (calibration == null ? spec.calibrationSamples() + " calibration, " : "")
                    + spec.sensitivitySamples()
                    + " sensitivity and at least 1 validation): lower spec.calibrationSamples / spec.sensitivitySamples"
                    + " or give a separate calibrationDatasetId");
        }
        checkFeasible(version, spec);
        return QuarkusTransaction.requiringNew().call(() -> {
            JobEntity job = new JobEntity();
            job.id = UUID.randomUUID().toString();
            job.tenantId = tenantId;
            job.modelVersionId = version.id;
            job.datasetId = data.id;
            job.calibrationDatasetId = calibration == null ? null : calibration.id;
            job.spec = Json.write(spec);
            job.state = JobState.QUEUED;
            job.createdAt = Instant.now();
            job.updatedAt = job.createdAt;
            job.persist();
            events.state(job.id, JobState.QUEUED, null, "submitted", null);
            inTransaction.accept(job);
            return view(job);
        });
    }

    /** The search request of a job, as the workers receive it. */
    @Transactional
    public SearchRequested searchRequest(String jobId) {
        JobEntity job = JobEntity.findById(jobId);
        ModelVersionEntity version = ModelVersionEntity.findById(job.modelVersionId);
        ModelEntity model = ModelEntity.findById(version.modelId);
        DatasetEntity data = DatasetEntity.findById(job.datasetId);
        DatasetEntity calibration = job.calibrationDatasetId == null ? null : DatasetEntity.findById(job.calibrationDatasetId);
        JobSpec spec = spec(job);
        // a training set deleted since the submit leaves this null: the evaluators then fail the job saying trainData is missing
        DatasetEntity train = spec.trainData() == null ? null : DatasetEntity.findById(spec.trainData());
        return new SearchRequested(job.id, version.blobSha256, model.name, data.blobSha256, data.name,
                calibration == null ? null : calibration.blobSha256, spec, train == null ? null : train.blobSha256);
    }

    @Transactional
    public JobView get(String tenantId, String id) {
        return view(require(tenantId, id));
    }

    /** Views of these jobs (whoever owns them; for a stream whose tenant was checked when it opened), by id; gone jobs are absent. */
    @Transactional
    public Map<String, JobView> viewsOf(java.util.Collection<String> ids) {
        Map<String, JobView> out = new java.util.HashMap<>();
        JobEntity.<JobEntity>list("id in ?1", List.copyOf(ids)).forEach(job -> out.put(job.id, view(job)));
        return out;
    }

    /** The tenant's jobs, newest first; versions, models and candidate counts read in one query each, not per job. */
    @Transactional
    public List<JobView> list(String tenantId) {
        List<JobEntity> all = JobEntity.listOfTenant(tenantId);
        if (all.isEmpty()) {
            return List.of();
        }
        Map<String, ModelVersionEntity> versions = ModelVersionEntity.<ModelVersionEntity>list(
                "id in (select j.modelVersionId from JobEntity j where j.tenantId = ?1)", tenantId).stream()
                .collect(Collectors.toMap(v -> v.id, v -> v));
        Map<String, ModelEntity> models = ModelEntity.ofTenant(tenantId).stream().collect(Collectors.toMap(m -> m.id, m -> m));
        Map<String, Long> done = CandidateEntity.countsOfTenant(tenantId);
        return all.stream().map(job -> {
            ModelVersionEntity version = versions.get(job.modelVersionId);
            return view(job, version, version == null ? null : models.get(version.modelId), done.getOrDefault(job.id, 0L));
        }).toList();
    }

    /** Cancels a job that has not ended; workers hear of it through JobControl. */
    @Transactional
    public JobView cancel(String tenantId, String id) {
        JobEntity job = require(tenantId, id);
        job = JobEntity.locked(job.id);
        if (job.state != JobState.CANCELLED) {
            if (!JobStateMachine.canMove(job.state, JobState.CANCELLED)) {
                throw new ConflictException("id", "job " + id + " has ended (" + job.state + ") and cannot be cancelled");
            }
            job.state = JobState.CANCELLED;
            job.finishedAt = Instant.now();
            job.updatedAt = job.finishedAt;
            job.etaSeconds = null;
            events.state(job.id, JobState.CANCELLED, null, "cancelled by the user", null);
        }
        return view(job);
    }

    /** The tenant's job, or 404 (also for another tenant's job). */
    public static JobEntity require(String tenantId, String id) {
        JobEntity job = JobEntity.ofTenant(tenantId, id);
        if (job == null) {
            throw new ResourceNotFoundException("id", "job", id);
        }
        return job;
    }

    public static JobSpec spec(JobEntity job) {
        return Json.read(job.spec, JobSpec.class);
    }

    public static JobView view(JobEntity job) {
        ModelVersionEntity version = ModelVersionEntity.findById(job.modelVersionId);
        ModelEntity model = version == null ? null : ModelEntity.findById(version.modelId);
        return view(job, version, model, CandidateEntity.countOfJob(job.id));
    }

    private static JobView view(JobEntity job, ModelVersionEntity version, ModelEntity model, long done) {
        Integer percent = null;
        if (job.state == JobState.DONE) {
            percent = 100;
        } else if (job.state == JobState.EVALUATING && job.candidatesExpected != null && job.candidatesExpected > 0) {
            percent = (int) Math.min(100, 100 * done / job.candidatesExpected);
        } else if (job.progressTotal != null && job.progressTotal > 0 && job.progressDone != null) {
            percent = (int) Math.min(100, 100L * job.progressDone / job.progressTotal);
        }
        return new JobView(job.id, job.state, job.stage, new Progress(job.progressDone, job.progressTotal), percent,
                job.state.terminal() ? null : job.etaSeconds, job.error, job.modelVersionId, model == null ? null : model.name,
                version == null ? null : version.version, job.datasetId, job.calibrationDatasetId, spec(job), job.recommended,
                job.candidatesExpected, done, job.createdAt, job.updatedAt, job.finishedAt);
    }

    private void checkFeasible(ModelVersionEntity version, JobSpec spec) {
        SearchBudgets b = spec.budgets();
        if (b.maxSizeBytes() == null && b.maxSizeRatio() == null && b.maxBops() == null) {
            return;
        }
        Path model = blobs.toTempFile(version.blobSha256, ".onnx");
        try {
            Feasibility.check(model, spec.space(), spec.quantization(), b);
        } catch (InfeasibleBudgetException | InvalidInputException e) {
            throw new UnprocessableRequestException("spec.budgets", e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(model);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }
}
