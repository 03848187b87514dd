package dev.bitplan.api.service;

import dev.bitplan.contracts.job.JobSpec;

/**
 * The body of {@code POST /api/jobs}: a model version by id, or a model by name (latest version unless
 * {@code version} is given), the dataset, an optional separate calibration dataset, and the search spec.
 */
public record JobRequest(String modelVersionId, String model, Integer version, String datasetId, String calibrationDatasetId,
                         JobSpec spec) {
}
