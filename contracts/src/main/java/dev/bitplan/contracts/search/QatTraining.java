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
 * @param trainDataBytes    the training set's values kept in the heap between steps: 0 for a training file, which is
 *                          streamed from a spill on disk
 * @param trainDataBytesOnDisk the spill: the training file's arrays decompressed into raw files, deleted after the job
 * @param peakBatchBytes    the largest batch's values in the heap (floats 4 bytes a value, integers 8), the most the
 *                          training data takes there at one time per batch in flight
 * @param rangesLearned static activations whose scale was learned (LSQ, {@code spec.qatLearnRanges}) and used by the
 *                      tuned model's scoring and export; 0 or absent when ranges were kept from calibration
 * @param skipped   why this candidate was not fine-tuned (an op the QAT importer lacks, not on the PTQ front); null when trained
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QatTraining(Integer steps, Integer samples, Double seconds, Double firstLoss, Double lastLoss, Long peakResidentBytes,
                          Long trainDataBytes, Long trainDataBytesOnDisk, Long peakBatchBytes, Integer rangesLearned, String skipped) {

    public static QatTraining trained(int steps, int samples, double seconds, double firstLoss, double lastLoss, Long peakResidentBytes,
                                      long trainDataBytes, long trainDataBytesOnDisk, long peakBatchBytes, int rangesLearned) {
        return new QatTraining(steps, samples, seconds, firstLoss, lastLoss, peakResidentBytes, trainDataBytes, trainDataBytesOnDisk,
                peakBatchBytes, rangesLearned, null);
    }

    public static QatTraining skipped(String reason) {
        return new QatTraining(null, null, null, null, null, null, null, null, null, null, reason);
    }
}
