package dev.bitplan.qat.train;

/** One finished optimizer step, as progress listeners see it. */
public record TrainingStep(int step, int totalSteps, double loss, double learningRate, int samplesSeen, double seconds) {
}
