package dev.bitplan.qat.train;

import java.util.Arrays;
import java.util.Random;

/** Training batches in a seeded order: the samples shuffled, cut into batches, shuffled anew for every epoch. */
final class BatchOrder {

    private final int[] indices;
    private final int batchSize;
    private final Random random;
    private int[] order;
    private int position;

    BatchOrder(int[] indices, int batchSize, Random random) {
        this.indices = indices;
        this.batchSize = batchSize;
        this.random = random;
        this.order = shuffled();
    }

    /** The next batch; the last one of an epoch may be smaller. */
    int[] next() {
        if (position >= order.length) {
            order = shuffled();
            position = 0;
        }
        int[] batch = Arrays.copyOfRange(order, position, Math.min(order.length, position + batchSize));
        position += batch.length;
        return batch;
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
