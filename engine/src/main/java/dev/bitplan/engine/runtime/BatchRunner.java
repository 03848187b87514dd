package dev.bitplan.engine.runtime;

import dev.bitplan.engine.data.NdArray;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Runs a model over selected samples in batches, respecting a model whose batch dim is fixed (e.g. 1). */
public final class BatchRunner {

    /** Receives the outputs of one batch; {@code offset} is the position of its first sample in the selection. */
    @FunctionalInterface
    public interface BatchConsumer {
        void accept(int offset, int count, Map<String, TensorValue> outputs);
    }

    private BatchRunner() {
    }

    public static void run(OrtModel model, Map<String, NdArray> inputs, int[] samples, int batchSize, Set<String> outputs,
                           BatchConsumer consumer) {
        int batch = Math.max(1, model.batchLimit(batchSize));
        for (int offset = 0; offset < samples.length; offset += batch) {
            int count = Math.min(batch, samples.length - offset);
            int[] idx = Arrays.copyOfRange(samples, offset, offset + count);
            Map<String, NdArray> feed = new LinkedHashMap<>();
            for (Map.Entry<String, NdArray> e : inputs.entrySet()) {
                feed.put(e.getKey(), e.getValue().selectSamples(idx));
            }
            consumer.accept(offset, count, model.run(feed, outputs));
        }
    }

    /** 0, 1, ..., n-1. */
    public static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
