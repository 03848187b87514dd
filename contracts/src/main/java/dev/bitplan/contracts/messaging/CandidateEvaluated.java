package dev.bitplan.contracts.messaging;

import dev.bitplan.contracts.search.Candidate;

/**
 * A measured candidate and where its deployable model is. Delivered at least once: the api upserts by candidate id.
 * The model itself is not in the message: the evaluator uploads it to the api's blob store before it publishes this.
 *
 * @param candidate       its figures; {@code onFront} and {@code withinBudgets} are decided by the api over all candidates
 * @param artifactSha256  the blob store address of the exported ONNX model; null for the FP32 baseline, whose
 *                        deployable model is the uploaded one
 */
public record CandidateEvaluated(String jobId, String candidateId, Candidate candidate, String artifactSha256, String worker) {
}
