package dev.bitplan.qat.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Training batches in a seeded order: the samples shuffled, cut into batches, shuffled anew for every epoch. Given the
 * samples' real lengths (a token model's sentences), each epoch's shuffled samples are first sorted by length, so that a
 * batch holds sentences of like length and is cut with little padding; the batches are then shuffled, so lengths do not
 * come in order. Ties keep the shuffle's order, so which sentences share a batch changes from epoch to epoch.
 */
final class BatchOrder {

    private final int[] indices;
    private final int[] lengths; // by sample number, or null
    private final int batchSize;
    private final Random random;
    private List<int[]> epoch;
    private int position;

    /** Random batches. */
    BatchOrder(int[] indices, int batchSize, Random random) {
        this(indices, null, batchSize, random);
    }

    /** @param lengths each sample's real length, indexed by sample number; null for random batches */
    BatchOrder(int[] indices, int[] lengths, int batchSize, Random random) {
        this.indices = indices;
        this.lengths = lengths;
        this.batchSize = batchSize;
        this.random = random;
        this.epoch = nextEpoch();
    }

    /** The next batch; one batch of an epoch may be smaller (the last, or with lengths any one). */
    int[] next() {
        if (position >= epoch.size()) {
            epoch = nextEpoch();
            position = 0;
        }
        return epoch.get(position++);
    }

    private List<int[]> nextEpoch() {
        int[] samples = shuffled();
        if (lengths == null) {
            return cut(samples);
        }
        List<int[]> batches = cut(byLength(samples));
        Collections.shuffle(batches, random);
        return batches;
    }

    private List<int[]> cut(int[] samples) {
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < samples.length; from += batchSize) {
            batches.add(Arrays.copyOfRange(samples, from, Math.min(samples.length, from + batchSize)));
        }
        return batches;
    }

    /** Stable by length: the key is the length, then the place in the shuffle. */
    private int[] byLength(int[] samples) {
        long[] keys = new long[samples.length];
        for (int i = 0; i < samples.length; i++) {
            keys[i] = (long) lengths[samples[i]] << 32 | i;
        }
        Arrays.sort(keys);
        int[] out = new int[samples.length];
        for (int i = 0; i < keys.length; i++) {
            out[i] = samples[(int) keys[i]];
        }
        return out;
    }

    private int[] shuffled() {
        int[] out = indices.clone();
        for (int i = out.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }
}
