package dev.bitplan.messaging;

import java.time.Duration;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Waits out an outage of something a worker depends on (the api, the broker): the action is tried again with backoff
 * (1 s doubling up to 30 s) until it gets through or the outage has lasted {@code limit}; only then does it fail, as
 * {@link OutageException}. An outage is not the job's failure, so it costs the job none of its retries while it lasts.
 */
public final class OutageWait {

    /** The default limit: long enough for a restart of the api, the broker or the database. */
    public static final Duration DEFAULT_LIMIT = Duration.ofMinutes(10);
    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofSeconds(30);

    private static final Logger LOG = Logger.getLogger(OutageWait.class);

    private final String what;
    private final Duration limit;

    /** @param what  names the dependency in log lines and errors, e.g. {@code the api at http://localhost:8080/} */
    public OutageWait(String what, Duration limit) {
        if (limit == null || limit.isNegative()) {
            throw new IllegalArgumentException("an outage limit must be >= 0, got " + limit);
        }
        this.what = what;
        this.limit = limit;
    }

    public Duration limit() {
        return limit;
    }

    /** Thrown by an action when its dependency cannot be reached; anything else passes through at once. */
    public static final class Unreachable extends RuntimeException {
        public Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The outage outlasted the limit: now it counts as a failed try of the work. */
    public static final class OutageException extends RuntimeException {
        OutageException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Runs the action, waiting out {@link Unreachable} failures up to the limit. */
    public <R> R run(String action, Supplier<R> body) {
        long start = System.nanoTime();
        Duration delay = FIRST_DELAY;
        int waits = 0;
        while (true) {
            try {
                R result = body.get();
                if (waits > 0) {
                    LOG.infof("%s is back after %d s; %s goes on", what, Duration.ofNanos(System.nanoTime() - start).toSeconds(), action);
                }
                return result;
            } catch (Unreachable e) {
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                if (waited.compareTo(limit) >= 0) {
                    throw new OutageException(what + " was unreachable for " + waited.toSeconds() + " s (the limit is " + limit.toSeconds()
                            + " s) while trying to " + action + ": " + text(e), e);
                }
                if (waits == 0) {
                    LOG.warnf("%s is unreachable (%s); waiting for it, up to %d s, before %s counts as failed", what, e.getMessage(),
                            limit.toSeconds(), action);
                } else {
                    LOG.debugf("%s still unreachable after %d s: %s", what, waited.toSeconds(), e.getMessage());
                }
                waits++;
                sleep(min(delay, limit.minus(waited)));
                delay = min(delay.multipliedBy(2), MAX_DELAY);
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkAbandonedException();
        }
    }

    /** {@link FailureReasons#text}: an error text never ends in "null". */
    public static String text(Throwable t) {
        return FailureReasons.text(t);
    }
}
