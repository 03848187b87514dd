package dev.bitplan.engine.runtime;

import dev.bitplan.engine.data.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the throughput of several models on the same batches. Passes alternate between the models
 * (A B C, A B C, ...) and each model keeps its fastest pass, so that drift in machine load (a shared
 * 2-core VM here) hits every model alike instead of whichever ran last.
 */
public final class ThroughputMeter {

    private ThroughputMeter() {
    }

    /**
     * @param models   loaded models by label
     * @param inputs   full arrays by input name
     * @param samples  the samples to run, in batches of {@code batch}
     * @return samples per second of each model's fastest pass, by label
     */
    public static Map<String, Double> compare(Map<String, OrtModel> models, Map<String, NdArray> inputs, int[] samples,
                                              int batch, String output, int passes) {
        List<Map<String, NdArray>> batches = new ArrayList<>();
        for (int offset = 0; offset < samples.length; offset += batch) {
            int[] idx = Arrays.copyOfRange(samples, offset, Math.min(samples.length, offset + batch));
            Map<String, NdArray> feed = new LinkedHashMap<>();
            inputs.forEach((k, v) -> feed.put(k, v.selectSamples(idx)));
            batches.add(feed);
        }
        Map<String, Double> best = new LinkedHashMap<>();
        for (int pass = 0; pass <= passes; pass++) {
            for (Map.Entry<String, OrtModel> m : models.entrySet()) {
                long t0 = System.nanoTime();
                for (Map<String, NdArray> feed : batches) {
                    m.getValue().run(feed, Set.of(output));
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (pass > 0) { // pass 0 warms up every model
                    best.merge(m.getKey(), samples.length / seconds, Math::max);
                }
            }
        }
        return best;
    }
}
