package dev.bitplan.api.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One read per followed job, fanned out: each follower gets each change once, and its stream ends with the job. */
class JobFanOutTest {

    /** A follower's stream as a list: views, then "end". */
    private static final class Recorder implements JobFanOut.Sink<String> {
        final List<String> got = new ArrayList<>();

        @Override
        public void emit(String view) {
            got.add(view);
        }

        @Override
        public void complete() {
            got.add("end");
        }
    }

    @Test
    void everyFollowerGetsEachChangeOnceAndTheEnd() {
        JobFanOut<String> fan = new JobFanOut<>(v -> v.startsWith("DONE"));
        Recorder a1 = new Recorder();
        Recorder a2 = new Recorder();
        Recorder b = new Recorder();
        fan.add("a", a1);
        fan.add("a", a2);
        fan.add("b", b);
        assertEquals(Set.of("a", "b"), fan.jobs());

        fan.deliver(fan.jobs(), Map.of("a", "QUEUED", "b", "PROFILING 1/3"));
        fan.deliver(fan.jobs(), Map.of("a", "QUEUED", "b", "PROFILING 1/3")); // unchanged: nothing sent
        Recorder late = new Recorder();
        fan.add("a", late);
        fan.deliver(fan.jobs(), Map.of("a", "EVALUATING", "b", "PROFILING 2/3"));
        fan.deliver(fan.jobs(), Map.of("a", "DONE", "b", "PROFILING 2/3"));

        assertEquals(List.of("QUEUED", "EVALUATING", "DONE", "end"), a1.got);
        assertEquals(a1.got, a2.got);
        assertEquals(List.of("EVALUATING", "DONE", "end"), late.got, "a late follower starts from the job as it is");
        assertEquals(List.of("PROFILING 1/3", "PROFILING 2/3"), b.got);
        assertEquals(Set.of("b"), fan.jobs(), "a finished job is read no more");
        assertEquals(1, fan.followers());
    }

    @Test
    void aFollowerThatLeftGetsNothingAndAJobThatIsGoneEndsItsStreams() {
        JobFanOut<String> fan = new JobFanOut<>(v -> false);
        Recorder stays = new Recorder();
        Recorder leaves = new Recorder();
        fan.add("a", stays);
        Runnable leave = fan.add("a", leaves);
        fan.deliver(fan.jobs(), Map.of("a", "v1"));
        leave.run();
        fan.deliver(fan.jobs(), Map.of("a", "v2"));
        assertEquals(List.of("v1"), leaves.got);
        assertEquals(List.of("v1", "v2"), stays.got);

        fan.deliver(fan.jobs(), Map.of()); // deleted meanwhile
        assertEquals(List.of("v1", "v2", "end"), stays.got);
        assertEquals(Set.of(), fan.jobs());
        assertEquals(0, fan.followers());
    }
}
