package dev.bitplan.engine.runtime;

import dev.bitplan.engine.data.NdArray;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Median wall time of single-sample (batch 1) runs, after a warm-up, as a deployment would see it. */
public final class LatencyMeter {

    /** Untimed runs at the start of each block of {@link #interleavedMedians}. */
    static final int SETTLE_RUNS = 3;
    /** The pause before each block of {@link #interleavedMedians}, for the previous block's threads to stop spinning. */
    static final long SETTLE_MILLIS = 50;

    private static void settle() {
        try {
            Thread.sleep(SETTLE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

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

    /**
     * Medians of several models on one feed, measured in alternating blocks (A A A, B B B, A A A, ...): drift in machine
     * load (a shared VM) hits each model alike instead of whichever ran last, while each block runs one model warm, as
     * a deployment serving it does (alternating single runs of large models measured each other's cache misses).
     * Sessions keep ONNX Runtime's default of spin-waiting threads, as a deployment runs them: turning it off made every
     * run wake sleeping threads once per kernel, which cost a quantized encoder (three times the kernels of FP32) 15-20 %
     * and FP32 little. The previous block's threads spin for some milliseconds after its last run (ONNX Runtime spins
     * about a million pause instructions), so each block starts with a pause of {@link #SETTLE_MILLIS} and then
     * {@link #SETTLE_RUNS} untimed runs: without the pause, sub-millisecond CNN runs were timed against the last
     * block's spinning threads, and the Fashion fixture's latency estimate erred by 33-44 % after correction instead
     * of 9-10 %. In the order given.
     */
    public static double[] interleavedMedians(List<OrtModel> models, Map<String, NdArray> feed, Set<String> outputs, int warmup,
                                              int runs) {
        for (int i = 0; i < warmup; i++) {
            models.forEach(m -> m.run(feed, outputs));
        }
        int block = Math.max(1, runs / 10);
        double[][] ms = new double[models.size()][runs];
        for (int done = 0; done < runs; done += block) {
            int n = Math.min(block, runs - done);
            for (int k = 0; k < models.size(); k++) {
                OrtModel m = models.get(k);
                settle();
                for (int i = 0; i < SETTLE_RUNS; i++) {
                    m.run(feed, outputs); // back in cache after the other models' blocks, their threads idle
                }
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    m.run(feed, outputs);
                    ms[k][done + i] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        double[] medians = new double[models.size()];
        for (int k = 0; k < medians.length; k++) {
            medians[k] = median(ms[k]);
        }
        return medians;
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
        return median(ms);
    }

    private static double median(double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
