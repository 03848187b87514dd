package dev.bitplan.engine.data;

import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import java.util.Arrays;
import java.util.Random;

/**
 * A reproducible division of a dataset's sample indices into calibration, sensitivity, validation and
 * training sets.
 *
 * <p>The indices are shuffled once with {@link java.util.Random} seeded with the given seed (a
 * Fisher-Yates shuffle drawing {@code nextInt(i + 1)} for i from n-1 down to 1). Random's algorithm is
 * fixed by its specification, unlike SplittableRandom's, so the same sample count, seed and sizes give
 * the same splits on every JVM and release. From the shuffled order, calibration takes the first
 * samples, then sensitivity, then validation; the three never overlap. Training takes the samples left
 * after those; only when too few are left is it topped up with calibration and then sensitivity samples,
 * never validation ones, so validation stays held out. Each set is returned in ascending index order.
 */
public final class DatasetSplits {

    private final int sampleCount;
    private final long seed;
    private final int[] calibration;
    private final int[] sensitivity;
    private final int[] validation;
    private final int[] training;

    private DatasetSplits(int sampleCount, long seed, int[] calibration, int[] sensitivity, int[] validation,
            int[] training) {
        this.sampleCount = sampleCount;
        this.seed = seed;
        this.calibration = calibration;
        this.sensitivity = sensitivity;
        this.validation = validation;
        this.training = training;
    }

    /** Splits {@code sampleCount} samples; throws BAD_REQUEST when there are too few for {@code sizes}. */
    public static DatasetSplits of(int sampleCount, long seed, SplitSizes sizes) {
        if (sampleCount < 0) {
            throw new IllegalArgumentException("sample count must be 0 or more, got " + sampleCount);
        }
        int cal = sizes.calibration();
        int sens = sizes.sensitivity();
        int train = sizes.training();
        long heldOut = (long) cal + sens; // long: sizes near Integer.MAX_VALUE must not wrap
        int val;
        if (sizes.validationIsRest()) {
            long rest = sampleCount - heldOut - train;
            if (rest < 1) {
                throw tooSmall(sampleCount, cal + " calibration + " + sens + " sensitivity + " + train
                        + " training samples with at least 1 left for validation");
            }
            val = (int) rest;
        } else {
            val = sizes.validation();
            if (heldOut + val > sampleCount) {
                throw tooSmall(sampleCount, cal + " calibration + " + sens + " sensitivity + " + val
                        + " validation samples, which must not overlap");
            }
            if (train > sampleCount - val) {
                throw tooSmall(sampleCount, train + " training samples drawn from the " + (sampleCount - val)
                        + " samples outside the " + val + " validation samples");
            }
        }
        int[] order = shuffled(sampleCount, seed);
        int valEnd = cal + sens + val;
        // training: unused samples first; if short, reuse calibration then sensitivity samples (order[0..])
        int[] trainIdx = new int[train];
        int fromUnused = Math.min(train, sampleCount - valEnd);
        System.arraycopy(order, valEnd, trainIdx, 0, fromUnused);
        System.arraycopy(order, 0, trainIdx, fromUnused, train - fromUnused);
        return new DatasetSplits(sampleCount, seed,
                sorted(order, 0, cal), sorted(order, cal, cal + sens), sorted(order, cal + sens, valEnd),
                sorted(trainIdx, 0, train));
    }

    private static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static int[] sorted(int[] values, int from, int to) {
        int[] out = Arrays.copyOfRange(values, from, to);
        Arrays.sort(out);
        return out;
    }

    private static InvalidInputException tooSmall(int sampleCount, String needed) {
        return new InvalidInputException(Problem.BAD_REQUEST, "the dataset has " + sampleCount
                + " samples, too few for " + needed + "; upload more samples or ask for smaller splits");
    }

    public int sampleCount() {
        return sampleCount;
    }

    public long seed() {
        return seed;
    }

    /** Indices for calibrating activation ranges. */
    public int[] calibration() {
        return calibration.clone();
    }

    /** Indices for measuring per-layer sensitivity; disjoint from calibration. */
    public int[] sensitivity() {
        return sensitivity.clone();
    }

    /** Held-out indices for judging plans; disjoint from every other split. */
    public int[] validation() {
        return validation.clone();
    }

    /** Indices for quantization-aware training; overlaps calibration/sensitivity only when samples are short. */
    public int[] training() {
        return training.clone();
    }

    @Override
    public String toString() {
        return "DatasetSplits[n=" + sampleCount + ", seed=" + seed + ", calibration=" + calibration.length
                + ", sensitivity=" + sensitivity.length + ", validation=" + validation.length + ", training="
                + training.length + "]";
    }
}
