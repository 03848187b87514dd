package dev.bitplan.engine.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compares the throughput of several ways of running models over the same samples. Passes alternate
 * (A B C, A B C, ...) and each keeps its fastest, so that drift in machine load (a shared 2-core VM
 * here) hits every contender alike instead of whichever ran last.
 */
public final class ThroughputMeter {

    private ThroughputMeter() {
    }

    /**
     * @param passes  per contender, one full pass over {@code samples} samples
     * @return samples per second of each contender's fastest pass, by label
     */
    public static Map<String, Double> compare(Map<String, Runnable> passes, int samples, int rounds) {
        Map<String, Double> best = new LinkedHashMap<>();
        for (int round = 0; round <= rounds; round++) {
            for (Map.Entry<String, Runnable> p : passes.entrySet()) {
                long t0 = System.nanoTime();
                p.getValue().run();
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (round > 0) { // round 0 warms every contender up
                    best.merge(p.getKey(), samples / seconds, Math::max);
                }
            }
        }
        return best;
    }
}
