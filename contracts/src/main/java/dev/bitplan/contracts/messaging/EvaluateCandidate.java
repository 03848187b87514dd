package dev.bitplan.contracts.messaging;

import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.search.CandidateProposal;

/**
 * One candidate to measure. Carries the job's files and spec so that any evaluator can rebuild the same
 * calibration (it is drawn from the data by the spec's seed).
 *
 * @param candidateId      globally unique: {@code <jobId>:<proposal id>}
 * @param trainDataSha256  the dataset QAT fine-tunes on; null for PTQ jobs
 */
public record EvaluateCandidate(String jobId, String candidateId, String modelSha256, String dataSha256,
                                String calibrationDataSha256, JobSpec spec, CandidateProposal proposal, String trainDataSha256) {

    /** A request without QAT training data. */
    public EvaluateCandidate(String jobId, String candidateId, String modelSha256, String dataSha256, String calibrationDataSha256,
                             JobSpec spec, CandidateProposal proposal) {
        this(jobId, candidateId, modelSha256, dataSha256, calibrationDataSha256, spec, proposal, null);
    }

    public static String candidateId(String jobId, String proposalId) {
        return jobId + ":" + proposalId;
    }
}
