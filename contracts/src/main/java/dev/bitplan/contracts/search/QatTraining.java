package dev.bitplan.contracts.search;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A candidate's short quantization-aware training in a QAT search: what it cost, or why it did not run.
 *
 * @param steps     optimizer steps taken (null when skipped)
 * @param samples   training samples seen, with repeats
 * @param seconds   wall time of the training alone
 * @param firstLoss the distillation loss of the first step
 * @param lastLoss  and of the last
 * @param skipped   why this candidate was not fine-tuned (an op the QAT importer lacks, not on the PTQ front); null when trained
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QatTraining(Integer steps, Integer samples, Double seconds, Double firstLoss, Double lastLoss, String skipped) {

    public static QatTraining trained(int steps, int samples, double seconds, double firstLoss, double lastLoss) {
        return new QatTraining(steps, samples, seconds, firstLoss, lastLoss, null);
    }

    public static QatTraining skipped(String reason) {
        return new QatTraining(null, null, null, null, null, reason);
    }
}
