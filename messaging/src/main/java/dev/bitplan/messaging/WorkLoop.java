package dev.bitplan.messaging;

import dev.bitplan.contracts.config.ConfigKeys;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Consumes one topic in a consumer group, one message at a time, for work that may take an hour.
 *
 * <p>While a message is handled (on a work thread, by a {@link RetryingHandler}) every assigned partition is paused
 * and the poll thread keeps polling, so the member stays in the group and the message is not redelivered while this
 * worker lives. When the work ends its offset is committed, unless the partition was taken away meanwhile (the result
 * is still published; its consumers are idempotent). Transient failures are retried with exponential backoff;
 * permanent ones and spent retries go to {@code <topic>.dlq} ({@link DeadLetterQueue}), then to the handler's
 * dead-letter hook, then are committed. {@link #close()} abandons running work without committing it, so
 * another worker takes the message over; work that finishes while the loop closes (before, or within the few
 * seconds the close waits for the work thread) is still committed, so a finished message is not redone.
 */
public final class WorkLoop<T> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WorkLoop.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    private static final Duration BUSY_POLL = Duration.ofMillis(100);

    private final WorkLoopSettings<T> settings;
    private final RetryingHandler<T> handler;
    private final KafkaConsumer<String, byte[]> consumer;
    private final ExecutorService work;
    private final Thread pollThread;
    private volatile boolean running = true;
    private volatile int assignedCount;
    private InFlight inFlight; // touched by the poll thread only

    WorkLoop(WorkLoopSettings<T> settings) {
        this.settings = settings;
        this.handler = new RetryingHandler<>(settings, () -> running);
        Properties props = KafkaSettings.consumer(settings.bootstrap(), settings.group(), settings.workerId(), settings.sessionTimeoutMs());
        props.putAll(settings.consumerOverrides());
        this.consumer = new KafkaConsumer<>(props);
        this.work = Executors.newSingleThreadExecutor(r -> daemon(r, "bitplan-work-" + settings.workerId()));
        this.pollThread = daemon(this::run, "bitplan-poll-" + settings.topic() + "-" + settings.workerId());
        pollThread.start();
    }

    public static <T> WorkLoopBuilder<T> builder(String topic, Class<T> type, WorkHandler<T> handler) {
        return new WorkLoopBuilder<>(topic, type, handler);
    }

    /** How many partitions this member holds now (0 before it joined the group). */
    public int assignedPartitions() {
        return assignedCount;
    }

    /** Stops polling, abandons running work (not committed: it is redelivered) and closes the consumer. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        consumer.wakeup();
        try {
            pollThread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            consumer.subscribe(List.of(settings.topic()), new Rebalance());
            while (running) {
                try {
                    ConsumerRecords<String, byte[]> records = consumer.poll(inFlight == null ? IDLE_POLL : BUSY_POLL);
                    take(records);
                    if (inFlight != null && inFlight.result.isDone()) {
                        finish();
                    }
                } catch (WakeupException e) {
                    // close() wants the loop to stop; the while condition decides
                } catch (FencedInstanceIdException e) {
                    LOG.errorf("another consumer uses worker id %s in group %s; this one stops. Give each worker its own %s",
                            settings.workerId(), settings.group(), ConfigKeys.WORKER_ID);
                    running = false;
                } catch (KafkaException e) {
                    LOG.warnf("polling %s failed, trying again: %s", settings.topic(), e.getMessage());
                    pause(1000);
                }
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "work loop on %s stopped unexpectedly", settings.topic());
        } finally {
            commitIfFinished(); // work that ended just as we stopped still gets its commit
            abandonRunningWork();
            commitIfFinished(); // and so does work that ended while the close waited for it
            try {
                consumer.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                LOG.warnf("closing the consumer of %s: %s", settings.topic(), e.getMessage());
            }
        }
    }

    /** Starts the first record; any other (not expected with max.poll.records=1) is fetched again later. */
    private void take(ConsumerRecords<String, byte[]> records) {
        Set<TopicPartition> rewound = new HashSet<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (inFlight == null) {
                consumer.pause(consumer.assignment());
                inFlight = new InFlight(r, tp, work.submit(() -> handler.process(r)));
            } else if (rewound.add(tp)) {
                consumer.seek(tp, r.offset());
            }
        }
    }

    private void finish() {
        InFlight done = inFlight;
        WorkOutcome outcome;
        try {
            outcome = done.result.get();
        } catch (ExecutionException e) {
            LOG.errorf(e.getCause(), "work on %s failed outside its handler; the message will be redelivered", done.describe());
            outcome = WorkOutcome.REDELIVER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = WorkOutcome.ABANDON;
        }
        boolean stillOurs = !done.revoked && consumer.assignment().contains(done.partition);
        if (outcome == WorkOutcome.COMMIT && stillOurs) {
            commit(done);
        } else if (outcome == WorkOutcome.REDELIVER && stillOurs) {
            consumer.seek(done.partition, done.record.offset());
            pause(1000); // do not spin on a message whose dead letter cannot be written
        } else if (!stillOurs) {
            LOG.infof("%s was reassigned while it ran: its result is published, its offset is left to the new owner", done.describe());
        }
        inFlight = null;
        consumer.resume(consumer.assignment());
    }

    private void commitIfFinished() {
        if (inFlight != null && inFlight.result.isDone()) {
            try {
                finish();
            } catch (RuntimeException e) {
                LOG.debugf("no final commit: %s", e.getMessage());
            }
        }
    }

    private void commit(InFlight done) {
        Map<TopicPartition, OffsetAndMetadata> offset = Map.of(done.partition, new OffsetAndMetadata(done.record.offset() + 1));
        for (int i = 0; i < 3; i++) {
            try {
                consumer.commitSync(offset);
                return;
            } catch (WakeupException e) {
                // close()'s wakeup is one-shot: try again, so a finished message is not redone after a restart
                LOG.debugf("commit of %s woken up (closing: %s); trying again", done.describe(), !running);
            } catch (KafkaException e) {
                LOG.warnf("cannot commit %s (%s); it may be redelivered, its results are applied idempotently", done.describe(), e.getMessage());
                return;
            }
        }
    }

    private void abandonRunningWork() {
        work.shutdownNow(); // interrupts the work thread; checkCancelled() throws WorkAbandonedException from now on
        if (inFlight != null) {
            LOG.infof("abandoning %s: not committed, another worker takes it over", inFlight.describe());
        }
        try {
            if (!work.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("running work did not stop within 5 s of shutdown; leaving it behind");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Keeps new partitions paused while busy, and marks the running message when its partition goes away. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            lose(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            lose(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (inFlight != null) {
                consumer.pause(partitions); // still busy: new partitions wait too
            }
            assignedCount = consumer.assignment().size();
        }

        private void lose(Collection<TopicPartition> partitions) {
            if (inFlight != null && partitions.contains(inFlight.partition)) {
                inFlight.revoked = true;
            }
            assignedCount = Math.max(0, consumer.assignment().size() - partitions.size());
        }
    }

    /** The message being worked on, and whether its partition was taken away meanwhile. */
    private static final class InFlight {
        final ConsumerRecord<String, byte[]> record;
        final TopicPartition partition;
        final Future<WorkOutcome> result;
        boolean revoked;

        InFlight(ConsumerRecord<String, byte[]> record, TopicPartition partition, Future<WorkOutcome> result) {
            this.record = record;
            this.partition = partition;
            this.result = result;
        }

        String describe() {
            return Records.describe(record);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
