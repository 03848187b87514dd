package dev.bitplan.search;

import dev.bitplan.contracts.search.CandidateProposal;
import dev.bitplan.engine.eval.ProgressListener;

/**
 * Fine-tunes a candidate after its PTQ measurement (quantization-aware training) and measures the tuned model as PTQ
 * candidates are measured. Implemented by the {@code qat} library, so that this module and the apps that do not train
 * stay free of the training engine.
 */
@FunctionalInterface
public interface CandidateTuner extends AutoCloseable {

    /**
     * @param ptq       the candidate as {@link SearchSession#measure} measured it
     * @param progress  told of every training step; it may throw to cancel (the evaluator's does for a cancelled job)
     * @return the tuned candidate (its PTQ metric kept beside the tuned one) and the tuned model's export; or the PTQ
     *         candidate marked with why it was not tuned
     */
    MeasuredCandidate tune(SearchSession session, CandidateProposal proposal, MeasuredCandidate ptq, ProgressListener progress);

    /** Releases what the tuner holds between candidates (e.g. a training set spilled to disk); nothing by default. */
    @Override
    default void close() {
    }
}
