package dev.bitplan.contracts.messaging;

import dev.bitplan.contracts.job.JobSpec;

/** A job to search. The files are fetched from the api by sha256 and verified. */
public record SearchRequested(String jobId, String modelSha256, String modelName, String dataSha256, String dataName,
                              JobSpec spec) {
}
