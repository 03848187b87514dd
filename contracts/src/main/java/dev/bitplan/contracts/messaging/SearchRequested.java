package dev.bitplan.contracts.messaging;

import dev.bitplan.contracts.job.JobSpec;

/**
 * A job to search. The files are fetched from the api by sha256 and verified.
 *
 * @param calibrationDataSha256  a separate calibration dataset, or null to draw calibration samples from the data
 * @param trainDataSha256        the dataset QAT fine-tunes on (the spec's {@code trainData}); null for PTQ jobs
 */
public record SearchRequested(String jobId, String modelSha256, String modelName, String dataSha256, String dataName,
                              String calibrationDataSha256, JobSpec spec, String trainDataSha256) {

    /** A request without QAT training data. */
    public SearchRequested(String jobId, String modelSha256, String modelName, String dataSha256, String dataName,
                           String calibrationDataSha256, JobSpec spec) {
        this(jobId, modelSha256, modelName, dataSha256, dataName, calibrationDataSha256, spec, null);
    }
}
