package dev.bitplan.engine.runtime;

import dev.bitplan.engine.data.NdArray;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Median wall time of single-sample (batch 1) runs, after a warm-up, as a deployment would see it. */
public final class LatencyMeter {

    private LatencyMeter() {
    }

    /**
     * @param inputs  full arrays; the first sample of each is used
     * @param warmup  runs discarded (allocations, lazy kernel set-up)
     * @param runs    timed runs; the median is returned in milliseconds
     */
    public static double medianMillis(OrtModel model, Map<String, NdArray> inputs, Set<String> outputs, int warmup, int runs) {
        Map<String, NdArray> one = new LinkedHashMap<>();
        inputs.forEach((k, v) -> one.put(k, v.selectSamples(new int[] {0})));
        return medianMillisOf(model, one, outputs, warmup, runs);
    }

    /** Median of runs on {@code feed} exactly as given (any batch size). */
    public static double medianMillisOf(OrtModel model, Map<String, NdArray> feed, Set<String> outputs, int warmup, int runs) {
        for (int i = 0; i < warmup; i++) {
            model.run(feed, outputs);
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            model.run(feed, outputs);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return runs % 2 == 1 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
    }
}
