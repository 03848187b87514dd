package dev.bitplan.qat.train;

/**
 * What a training run did: steps taken, samples seen, wall time, the first and last step's loss, and what the training
 * data took in memory and on disk.
 */
public record TrainingResult(int steps, int samples, double seconds, double firstLoss, double lastLoss,
                             TrainingData.Footprint data) {

    public double samplesPerSecond() {
        return seconds > 0 ? samples / seconds : 0;
    }
}
