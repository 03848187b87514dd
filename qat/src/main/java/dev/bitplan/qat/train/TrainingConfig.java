package dev.bitplan.qat.train;

/**
 * How long and how a plan is fine-tuned.
 *
 * @param steps         optimizer steps; 0 to count in {@code epochs} instead
 * @param epochs        passes over the training data when {@code steps} is 0
 * @param batchSize     samples per step
 * @param learningRate  the peak learning rate; it decays to 1% of it along a cosine over the budget
 * @param optimizer     Adam or SGD with momentum
 * @param temperature   softmax temperature of the distillation loss for classifiers
 * @param labelWeight   weight of a cross-entropy term on the labels (0: distillation only, needs no labels)
 * @param seed          the data order and PyTorch's generator; CPU runs with one seed give the same weights
 * @param learnRanges   learn the scales of static 8-bit activations (LSQ) instead of keeping them from calibration
 * @param groupByLength batch a token model's sentences with others of like length ({@link BatchOrder}), so that
 *                      padding neither costs time nor enters a batch's dynamic activation ranges; random batches if false
 */
public record TrainingConfig(int steps, double epochs, int batchSize, double learningRate, OptimizerKind optimizer,
                             double temperature, double labelWeight, long seed, boolean learnRanges,
                             boolean groupByLength) {

    public TrainingConfig {
        if (steps < 0 || epochs < 0 || steps == 0 && epochs == 0) {
            throw new IllegalArgumentException("a QAT budget needs steps > 0 or epochs > 0, got steps " + steps + ", epochs " + epochs);
        }
        if (batchSize < 1 || !(learningRate > 0) || !(temperature > 0) || labelWeight < 0) {
            throw new IllegalArgumentException("batch size >= 1, learning rate > 0, temperature > 0 and label weight >= 0 are "
                    + "needed, got " + batchSize + ", " + learningRate + ", " + temperature + ", " + labelWeight);
        }
    }

    /** One epoch at batch 64, Adam at 1e-4, distillation at temperature 1 only, seed 0, sentences batched by length. */
    public static TrainingConfig defaults() {
        return new TrainingConfig(0, 1, 64, 1e-4, OptimizerKind.ADAM, 1, 0, 0, false, true);
    }

    public TrainingConfig withSteps(int value) {
        return new TrainingConfig(value, 0, batchSize, learningRate, optimizer, temperature, labelWeight, seed, learnRanges, groupByLength);
    }

    public TrainingConfig withEpochs(double value) {
        return new TrainingConfig(0, value, batchSize, learningRate, optimizer, temperature, labelWeight, seed, learnRanges, groupByLength);
    }

    public TrainingConfig withLearningRate(double value) {
        return new TrainingConfig(steps, epochs, batchSize, value, optimizer, temperature, labelWeight, seed, learnRanges, groupByLength);
    }

    public TrainingConfig withOptimizer(OptimizerKind value) {
        return new TrainingConfig(steps, epochs, batchSize, learningRate, value, temperature, labelWeight, seed, learnRanges, groupByLength);
    }

    public TrainingConfig withBatchSize(int value) {
        return new TrainingConfig(steps, epochs, value, learningRate, optimizer, temperature, labelWeight, seed, learnRanges, groupByLength);
    }

    public TrainingConfig withLabelWeight(double value) {
        return new TrainingConfig(steps, epochs, batchSize, learningRate, optimizer, temperature, value, seed, learnRanges, groupByLength);
    }

    public TrainingConfig withSeed(long value) {
        return new TrainingConfig(steps, epochs, batchSize, learningRate, optimizer, temperature, labelWeight, value, learnRanges, groupByLength);
    }

    /** The step budget for a training set of {@code samples}: {@code steps}, or {@code epochs} passes rounded up. */
    public int totalSteps(int samples) {
        if (steps > 0) {
            return steps;
        }
        int perEpoch = (samples + batchSize - 1) / batchSize;
        return Math.max(1, (int) Math.ceil(epochs * perEpoch));
    }

    public TrainingConfig withLearnRanges(boolean value) {
        return new TrainingConfig(steps, epochs, batchSize, learningRate, optimizer, temperature, labelWeight, seed, value, groupByLength);
    }

    public TrainingConfig withGroupByLength(boolean value) {
        return new TrainingConfig(steps, epochs, batchSize, learningRate, optimizer, temperature, labelWeight, seed, learnRanges, value);
    }
}
