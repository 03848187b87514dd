package dev.bitplan.contracts.report;

/**
 * What a short quantization-aware training did for one plan: the plan's PTQ metric, the tuned model's metric scored
 * as PTQ plans are and its export run as deployed, and the training run itself.
 *
 * @param ptqMetric        the plan's metric after post-training quantization alone
 * @param qatMetric        the tuned model's metric under the same plan (the same scoring as PTQ)
 * @param deployedMetric   the tuned model's export run as deployed
 * @param steps            optimizer steps taken
 * @param samples          training samples seen (with repeats over epochs)
 * @param seconds          wall time of the training
 * @param firstLoss        the distillation loss of the first step
 * @param lastLoss         and of the last
 * @param trainDataBytes   the training data's values kept in the heap between steps (0: streamed from disk)
 * @param trainDataBytesOnDisk the training file decompressed into a spill on disk, read a batch at a time
 * @param peakBatchBytes   the largest batch's values in the heap (floats 4 bytes a value, integers 8)
 * @param rangesLearned    static activations whose scale was learned (LSQ, {@code --qat-learn-ranges}) and used by the
 *                         tuned model's scoring and export; 0 when ranges were kept from calibration
 */
public record QatFigures(double ptqMetric, double qatMetric, double deployedMetric, int steps, int samples, double seconds,
                         double firstLoss, double lastLoss, long trainDataBytes, long trainDataBytesOnDisk, long peakBatchBytes,
                         int rangesLearned) {

    public double samplesPerSecond() {
        return seconds > 0 ? samples / seconds : 0;
    }
}
