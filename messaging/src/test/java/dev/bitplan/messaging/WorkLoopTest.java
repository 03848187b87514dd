package dev.bitplan.messaging;

import static dev.bitplan.messaging.testing.TestKafka.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.messaging.JobControl;
import dev.bitplan.contracts.messaging.Topics;
import dev.bitplan.messaging.testing.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class WorkLoopTest {

    /** A message of the tests. */
    public record Work(String jobId, int n) {
    }

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static WorkLoopBuilder<Work> loop(String topic, String group, String worker, WorkHandler<Work> handler, Publisher publisher) {
        return WorkLoop.builder(topic, Work.class, handler).bootstrap(TestKafka.bootstrap()).group(group).workerId(worker)
                .sessionTimeoutMs(6_000).publisher(publisher).retry(new RetryPolicy(3, Duration.ofMillis(50)));
    }

    /**
     * max.poll.interval.ms is also the rebalance timeout, which a member must rejoin within after a heartbeat
     * told it of a rebalance: heartbeats must be more frequent than it.
     */
    private static WorkLoopBuilder<Work> shortPollInterval(WorkLoopBuilder<Work> b) {
        return b.consumerProperty(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 1000)
                .consumerProperty(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 250);
    }

    private static void send(String topic, Work w) throws Exception {
        TestKafka.produce(topic, w.jobId(), JsonSerde.write(w));
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void slowWorkStaysWithItsWorkerPastMaxPollInterval() throws Exception {
        String topic = TestKafka.topic("slow");
        String group = "g-" + topic;
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        WorkHandler<Work> slow = (w, ctx) -> {
            calls.computeIfAbsent(ctx.workerId(), k -> new AtomicInteger()).incrementAndGet();
            started.countDown();
            assertTrue(release.await(60, TimeUnit.SECONDS));
        };
        try (Publisher pub = new Publisher(TestKafka.bootstrap(), "t");
             WorkLoop<Work> a = shortPollInterval(loop(topic, group, "a", slow, pub)).start()) {
            send(topic, new Work("job-1", 1));
            assertTrue(started.await(30, TimeUnit.SECONDS));
            // a second member joins meanwhile: the rebalance must not move the running message
            try (WorkLoop<Work> b = shortPollInterval(loop(topic, group, "b", slow, pub)).start()) {
                Thread.sleep(3_000); // three max.poll.intervals of work
                release.countDown();
                await("the commit", WAIT, () -> committed(group, topic) == 1);
                assertEquals(1, a.assignedPartitions());
            }
        }
        assertEquals(Map.of("a", 1), Map.of("a", calls.get("a").get()));
        assertNull(calls.get("b"), "redelivered to the other member");
    }

    @Test
    void abandonedMessageIsTakenOverByAnotherWorker() throws Exception {
        String topic = TestKafka.topic("takeover");
        String group = "g-" + topic;
        List<String> handledBy = new CopyOnWriteArrayList<>();
        CountDownLatch startedOnA = new CountDownLatch(1);
        WorkHandler<Work> handler = (w, ctx) -> {
            handledBy.add(ctx.workerId());
            if (ctx.workerId().equals("a")) {
                startedOnA.countDown();
                while (true) { // endless work, stopped only by the shutdown
                    ctx.checkCancelled(w.jobId());
                    Thread.sleep(20);
                }
            }
        };
        try (Publisher pub = new Publisher(TestKafka.bootstrap(), "t")) {
            WorkLoop<Work> a = loop(topic, group, "a", handler, pub).start();
            send(topic, new Work("job-2", 1));
            assertTrue(startedOnA.await(30, TimeUnit.SECONDS));
            a.close(); // like a killed worker: nothing committed, no leave (static member)
            assertEquals(-1, committed(group, topic));
            try (WorkLoop<Work> b = loop(topic, group, "b", handler, pub).start()) {
                await("the takeover", WAIT, () -> handledBy.contains("b"));
                await("the commit", WAIT, () -> committed(group, topic) == 1);
            }
        }
        assertEquals(List.of("a", "b"), handledBy);
    }

    @Test
    void transientFailureIsRetriedWithBackoffThenDeadLettered() throws Exception {
        String topic = TestKafka.topic("retry");
        String group = "g-" + topic;
        AtomicInteger tries = new AtomicInteger();
        AtomicReference<String> hook = new AtomicReference<>();
        List<Integer> handled = new CopyOnWriteArrayList<>();
        WorkHandler<Work> handler = new WorkHandler<>() {
            @Override
            public void handle(Work w, WorkContext ctx) {
                if (w.n() == 1) {
                    tries.incrementAndGet();
                    throw new IllegalStateException("the api is down");
                }
                handled.add(w.n());
            }

            @Override
            public void deadLettered(String key, Work message, Throwable error, int attempts) {
                hook.set(key + "|" + message.n() + "|" + error.getMessage() + "|" + attempts);
            }
        };
        try (Publisher pub = new Publisher(TestKafka.bootstrap(), "t");
             WorkLoop<Work> loop = loop(topic, group, "w1", handler, pub).start()) {
            send(topic, new Work("job-3", 1));
            send(topic, new Work("job-3b", 2));
            await("the next message", WAIT, () -> handled.contains(2));
            await("the commits", WAIT, () -> committed(group, topic) == 2);
        }
        assertEquals(3, tries.get());
        assertEquals("job-3|1|the api is down|3", hook.get());
        List<ConsumerRecord<String, byte[]>> dlq = TestKafka.read(Topics.dlq(topic), 1, WAIT);
        assertEquals(1, dlq.size());
        assertEquals("job-3", dlq.get(0).key());
        assertEquals(new Work("job-3", 1), JsonSerde.read(dlq.get(0).value(), Work.class));
        assertEquals("the api is down", header(dlq.get(0), DeadLetterHeaders.ERROR));
        assertEquals("3", header(dlq.get(0), DeadLetterHeaders.ATTEMPTS));
        assertEquals("w1", header(dlq.get(0), DeadLetterHeaders.WORKER));
    }

    @Test
    void flakyWorkSucceedsOnALaterTry() throws Exception {
        String topic = TestKafka.topic("flaky");
        AtomicInteger tries = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        WorkHandler<Work> handler = (w, ctx) -> {
            if (tries.incrementAndGet() < 3) {
                throw new java.io.IOException("connection reset");
            }
            assertEquals(3, ctx.attempt());
            done.countDown();
        };
        try (Publisher pub = new Publisher(TestKafka.bootstrap(), "t");
             WorkLoop<Work> loop = loop(topic, "g-" + topic, "w1", handler, pub).start()) {
            send(topic, new Work("job-4", 1));
            assertTrue(done.await(30, TimeUnit.SECONDS));
            await("the commit", WAIT, () -> committed("g-" + topic, topic) == 1);
        }
        assertEquals(3, tries.get());
        assertEquals(0, TestKafka.read(Topics.dlq(topic), 1, Duration.ofSeconds(1)).size());
    }

    @Test
    void permanentFailuresAndUnreadableMessagesAreDeadLetteredWithoutRetry() throws Exception {
        String topic = TestKafka.topic("permanent");
        String group = "g-" + topic;
        AtomicInteger tries = new AtomicInteger();
        List<String> hooks = new CopyOnWriteArrayList<>();
        WorkHandler<Work> handler = new WorkHandler<>() {
            @Override
            public void handle(Work w, WorkContext ctx) {
                tries.incrementAndGet();
                throw w.n() == 1 ? new IllegalArgumentException("model: not an ONNX file")
                        : new RuntimeException("wrapped", new UnsupportedOperationException("custom permanent"));
            }

            @Override
            public void deadLettered(String key, Work message, Throwable error, int attempts) {
                hooks.add(key + "|" + (message == null ? "unreadable" : "n" + message.n()) + "|" + attempts);
            }
        };
        try (Publisher pub = new Publisher(TestKafka.bootstrap(), "t");
             WorkLoop<Work> loop = loop(topic, group, "w1", handler, pub)
                     .permanentWhen(t -> t instanceof UnsupportedOperationException).start()) {
            send(topic, new Work("job-5", 1));
            TestKafka.produce(topic, "job-6", "{not json".getBytes(StandardCharsets.UTF_8));
            send(topic, new Work("job-7", 2));
            await("the commits", WAIT, () -> committed(group, topic) == 3);
        }
        assertEquals(2, tries.get(), "tried once each, the unreadable one never");
        assertEquals(List.of("job-5|n1|1", "job-6|unreadable|1", "job-7|n2|1"), hooks);
        List<ConsumerRecord<String, byte[]>> dlq = TestKafka.read(Topics.dlq(topic), 3, WAIT);
        assertEquals(List.of("job-5", "job-6", "job-7"), dlq.stream().map(ConsumerRecord::key).toList());
        assertEquals("model: not an ONNX file", header(dlq.get(0), DeadLetterHeaders.ERROR));
        assertTrue(header(dlq.get(1), DeadLetterHeaders.ERROR).startsWith("not a valid Work message"), header(dlq.get(1), DeadLetterHeaders.ERROR));
        assertEquals("{not json", new String(dlq.get(1).value(), StandardCharsets.UTF_8));
    }

    @Test
    void cancelCommandStopsRunningWorkAndCommitsIt() throws Exception {
        String topic = TestKafka.topic("cancel");
        String group = "g-" + topic;
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> stoppedBy = new AtomicReference<>();
        AtomicInteger hooks = new AtomicInteger();
        WorkHandler<Work> handler = new WorkHandler<>() {
            @Override
            public void handle(Work w, WorkContext ctx) throws Exception {
                started.countDown();
                try {
                    while (true) {
                        ctx.checkCancelled(w.jobId());
                        Thread.sleep(20);
                    }
                } catch (RuntimeException e) {
                    stoppedBy.set(e);
                    throw e;
                }
            }

            @Override
            public void deadLettered(String key, Work message, Throwable error, int attempts) {
                hooks.incrementAndGet();
            }
        };
        try (Publisher pub = new Publisher(TestKafka.bootstrap(), "t");
             JobControlListener control = new JobControlListener(TestKafka.bootstrap(), "w1");
             WorkLoop<Work> loop = loop(topic, group, "w1", handler, pub).cancellations(control).start()) {
            assertTrue(control.awaitReady(WAIT));
            send(topic, new Work("job-8", 1));
            assertTrue(started.await(30, TimeUnit.SECONDS));
            pub.sendAndFlush(Topics.JOB_CONTROL, "job-8", new JobControl("job-8", JobControl.Action.CANCEL));
            await("the commit", WAIT, () -> committed(group, topic) == 1);
            assertTrue(control.isCancelled("job-8"));
        }
        assertInstanceOf(JobCancelledException.class, stoppedBy.get());
        assertEquals(0, hooks.get());
        assertEquals(0, TestKafka.read(Topics.dlq(topic), 1, Duration.ofSeconds(1)).size());
    }

    @Test
    void workThatFinishesWhileTheLoopClosesIsCommittedNotRedone() throws Exception {
        String topic = TestKafka.topic("closing");
        String group = "g-" + topic;
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        // the last stretch of a job that does not look at interrupts (publishing its result, say): it ends normally
        // a second after close() began, within the close's wait for the work thread
        WorkHandler<Work> handler = (w, ctx) -> {
            started.countDown();
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            finished.incrementAndGet();
        };
        try (Publisher pub = new Publisher(TestKafka.bootstrap(), "t")) {
            WorkLoop<Work> loop = loop(topic, group, "w-close", handler, pub).start();
            send(topic, new Work("job-9", 1));
            assertTrue(started.await(30, TimeUnit.SECONDS));
            Thread.sleep(1500);
            loop.close();
        }
        assertEquals(1, finished.get());
        assertEquals(1, committed(group, topic), "the finished message is committed, so a restarted worker does not redo it");
    }

    private static long committed(String group, String topic) {
        try {
            return TestKafka.committed(group, topic);
        } catch (Exception e) {
            return -2;
        }
    }
}
