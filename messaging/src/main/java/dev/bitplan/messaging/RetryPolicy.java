package dev.bitplan.messaging;

import java.time.Duration;

/**
 * How often a transiently failing message is tried, and how long to wait between tries (doubling each time).
 *
 * @param attempts    tries in all, at least 1
 * @param firstDelay  wait after the first failure
 */
public record RetryPolicy(int attempts, Duration firstDelay) {

    public static final int DEFAULT_ATTEMPTS = 3;
    public static final Duration DEFAULT_FIRST_DELAY = Duration.ofSeconds(1);
    /** Backoff stops doubling here, so a large attempt count does not wait for hours. */
    public static final Duration MAX_DELAY = Duration.ofMinutes(2);

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("retry attempts must be >= 1, got " + attempts);
        }
        if (firstDelay == null || firstDelay.isNegative()) {
            throw new IllegalArgumentException("retry delay must be >= 0, got " + firstDelay);
        }
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(DEFAULT_ATTEMPTS, DEFAULT_FIRST_DELAY);
    }

    /** The wait after failed attempt {@code attempt} (1-based): firstDelay, 2x, 4x, ... capped at {@link #MAX_DELAY}. */
    public Duration delayAfter(int attempt) {
        Duration d = firstDelay;
        for (int i = 1; i < attempt && d.compareTo(MAX_DELAY) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
    }
}
