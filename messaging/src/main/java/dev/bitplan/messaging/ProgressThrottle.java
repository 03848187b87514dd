package dev.bitplan.messaging;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Lets through at most one progress step per interval and stage, plus the first and the last step of each
 * stage: a sensitivity pass reports hundreds of steps a second, the api needs a couple.
 */
public final class ProgressThrottle {

    /** Receives the steps that pass. */
    @FunctionalInterface
    public interface Sink {
        void progress(String stage, int done, int total);
    }

    private final long intervalNanos;
    private final Sink sink;
    private final LongSupplier clock;
    private final Map<String, Long> lastSent = new HashMap<>();

    public ProgressThrottle(long intervalMillis, Sink sink) {
        this(intervalMillis, sink, System::nanoTime);
    }

    ProgressThrottle(long intervalMillis, Sink sink, LongSupplier clock) {
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.sink = sink;
        this.clock = clock;
    }

    public synchronized void progress(String stage, int done, int total) {
        long now = clock.getAsLong();
        Long last = lastSent.get(stage);
        if (last == null || done >= total || now - last >= intervalNanos) {
            lastSent.put(stage, now);
            sink.progress(stage, done, total);
        }
    }
}
