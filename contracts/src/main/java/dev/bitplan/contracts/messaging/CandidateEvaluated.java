package dev.bitplan.contracts.messaging;

import dev.bitplan.contracts.search.Candidate;

/**
 * A measured candidate, with its deployable model. Delivered at least once: the api upserts by candidate id.
 *
 * @param candidate       its figures; {@code onFront} and {@code withinBudgets} are decided by the api over all candidates
 * @param artifact        the exported ONNX model (null for the FP32 baseline, whose artifact is the uploaded model)
 * @param artifactSha256  sha256 of {@code artifact}, or null
 */
public record CandidateEvaluated(String jobId, String candidateId, Candidate candidate, byte[] artifact, String artifactSha256,
                                 String worker) {
}
