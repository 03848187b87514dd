package dev.bitplan.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void delaysDoubleUpToTheCap() {
        RetryPolicy p = new RetryPolicy(20, Duration.ofSeconds(1));
        assertEquals(Duration.ofSeconds(1), p.delayAfter(1));
        assertEquals(Duration.ofSeconds(2), p.delayAfter(2));
        assertEquals(Duration.ofSeconds(4), p.delayAfter(3));
        assertEquals(RetryPolicy.MAX_DELAY, p.delayAfter(20));
    }

    @Test
    void refusesNoAttempts() {
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO));
    }
}
