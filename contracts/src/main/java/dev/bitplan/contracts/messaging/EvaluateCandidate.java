package dev.bitplan.contracts.messaging;

import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.search.CandidateProposal;

/**
 * One candidate to measure. Carries the job's files and spec so that any evaluator can rebuild the same
 * calibration (it is drawn from the data by the spec's seed).
 *
 * @param candidateId  globally unique: {@code <jobId>:<proposal id>}
 */
public record EvaluateCandidate(String jobId, String candidateId, String modelSha256, String dataSha256,
                                String calibrationDataSha256, JobSpec spec, CandidateProposal proposal) {

    public static String candidateId(String jobId, String proposalId) {
        return jobId + ":" + proposalId;
    }
}
