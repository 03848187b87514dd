package dev.bitplan.api.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.report.ModelInspection.TensorSpec;
import java.time.Instant;
import java.util.List;

/** The JSON shapes the REST API answers with; entities never leave the service layer. */
public final class Views {

    private Views() {
    }

    public record TenantView(String id, String name) {
    }

    /** {@code token} is the plain token, present only in the answer that creates it. */
    public record TokenView(String id, String name, String token) {
    }

    public record ModelVersionView(String name, int version, String versionId, String sha256, long sizeBytes, int layers,
                                   long params, long fp32Bytes, List<TensorSpec> inputs, Instant createdAt) {
    }

    public record ModelSummary(String name, int latestVersion, int versions) {
    }

    public record ModelView(String name, List<ModelVersionView> versions) {
    }

    public record DatasetView(String id, String name, String sha256, long sizeBytes, int samples, List<ArrayInfo> arrays,
                              boolean hasLabels, Instant createdAt) {
    }

    /** One array of a dataset: its name, numpy dtype (float32, int64, ...) and shape. */
    public record ArrayInfo(String name, String dtype, List<Long> shape) {
    }

    public record Progress(Integer done, Integer total) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record JobView(String id, JobState state, String stage, Progress progress, Integer percent, Long etaSeconds,
                          String error, String modelVersionId, String model, Integer version, String datasetId,
                          String calibrationDatasetId, JobSpec spec, String recommended, Integer candidatesExpected,
                          long candidatesDone, Instant createdAt, Instant updatedAt, Instant finishedAt) {
    }
}
