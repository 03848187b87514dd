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
 * @param peakResidentBytes the process's largest resident memory seen at a training step (JVM heap, ONNX Runtime and
 *                          libtorch together; null where the OS does not say)
 * @param trainDataBytes    the training set as held in memory during training (read whole, a batch copied per step)
 * @param skipped   why this candidate was not fine-tuned (an op the QAT importer lacks, not on the PTQ front); null when trained
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QatTraining(Integer steps, Integer samples, Double seconds, Double firstLoss, Double lastLoss, Long peakResidentBytes,
                          Long trainDataBytes, String skipped) {

    public static QatTraining trained(int steps, int samples, double seconds, double firstLoss, double lastLoss, Long peakResidentBytes,
                                      long trainDataBytes) {
        return new QatTraining(steps, samples, seconds, firstLoss, lastLoss, peakResidentBytes, trainDataBytes, null);
    }

    public static QatTraining skipped(String reason) {
        return new QatTraining(null, null, null, null, null, null, null, reason);
    }
}
