package dev.bitplan.qat.train;

/** What a training run did: steps taken, samples seen, wall time and the last step's loss. */
public record TrainingResult(int steps, int samples, double seconds, double firstLoss, double lastLoss) {

    public double samplesPerSecond() {
        return seconds > 0 ? samples / seconds : 0;
    }
}
