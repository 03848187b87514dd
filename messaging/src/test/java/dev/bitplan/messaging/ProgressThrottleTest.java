package dev.bitplan.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressThrottleTest {

    @Test
    void passesFirstLastAndOnePerIntervalPerStage() {
        AtomicLong now = new AtomicLong();
        List<String> sent = new ArrayList<>();
        ProgressThrottle t = new ProgressThrottle(500, (s, d, n) -> sent.add(s + " " + d + "/" + n), now::get);
        for (int i = 1; i <= 10; i++) {
            now.addAndGet(100_000_000L); // 100 ms per step
            t.progress("sensitivity", i, 10);
        }
        t.progress("latency", 1, 4);
        assertEquals(List.of("sensitivity 1/10", "sensitivity 6/10", "sensitivity 10/10", "latency 1/4"), sent);
    }
}
