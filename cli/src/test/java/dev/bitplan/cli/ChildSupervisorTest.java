package dev.bitplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The restart backoff: 1 s, doubling while a child keeps dying soon after its start, never over 30 s. */
class ChildSupervisorTest {

    @Test
    void backoffDoublesFromOneSecondAndStopsAtThirtySeconds() {
        assertEquals(Duration.ofSeconds(1), ChildSupervisor.delay(1));
        assertEquals(Duration.ofSeconds(2), ChildSupervisor.delay(2));
        assertEquals(Duration.ofSeconds(16), ChildSupervisor.delay(5));
        assertEquals(Duration.ofSeconds(30), ChildSupervisor.delay(6));
        assertEquals(Duration.ofSeconds(30), ChildSupervisor.delay(100));
    }
}
