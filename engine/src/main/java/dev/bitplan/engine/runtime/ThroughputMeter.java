package dev.bitplan.engine.runtime;

import dev.bitplan.engine.data.NdArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the throughput of several ways of running models over the same samples. Passes alternate
 * (A B C, A B C, ...) and each keeps its fastest, so that drift in machine load (a shared 2-core VM
 * here) hits every contender alike instead of whichever ran last. For benchmarks only ({@code bitplan bench}).
 */
public final class ThroughputMeter {

    private static final int BATCH = 64;

    private ThroughputMeter() {
    }

    /** How a contender runs its model. */
    public enum Execution {
        /** One session using every core (intra-op threads). */
        ONE_SESSION,
        /** One single-thread session per core, each taking the next batch ({@link ParallelRunner}). */
        SESSION_PER_CORE
    }

    /** A model to time: its bytes, what ORT may do with its Q/DQ pairs, and how it runs. */
    public record Contender(byte[] model, QdqExecution qdq, Execution execution) {
    }

    /**
     * Throughput (batch 64) of several contenders over the same samples, in samples per second: passes alternate
     * between them and each keeps its fastest ({@link #compare}).
     *
     * @param base  the session settings each contender's {@link Contender#qdq()} is applied to
     */
    public static Map<String, Double> samplesPerSecond(Map<String, Contender> contenders, Map<String, NdArray> inputs,
                                                       int[] samples, String output, RuntimeOptions base, int rounds) {
        List<AutoCloseable> open = new ArrayList<>();
        try {
            Map<String, Runnable> passes = new LinkedHashMap<>();
            for (Map.Entry<String, Contender> e : contenders.entrySet()) {
                Contender c = e.getValue();
                RuntimeOptions options = base.withQdq(c.qdq());
                if (c.execution() == Execution.ONE_SESSION) {
                    OrtModel ort = OrtModel.load(c.model(), options);
                    open.add(ort);
                    passes.put(e.getKey(), () -> BatchRunner.run(ort, inputs, samples, BATCH, Set.of(output), (o, n, outs) -> { }));
                } else {
                    ParallelRunner runner = new ParallelRunner(c.model(), options);
                    open.add(runner);
                    passes.put(e.getKey(), () -> runner.run(inputs, samples, BATCH, Set.of(output), (o, n, outs) -> { }));
                }
            }
            return compare(passes, samples.length, rounds);
        } finally {
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing a session cannot fail in a way the caller could act on
                }
            }
        }
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
