package dev.bitplan.messaging;

import dev.bitplan.contracts.messaging.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

/**
 * Consumes one topic in a consumer group, one message at a time, for work that may take an hour.
 *
 * <p>While a message is handled (on a work thread) every assigned partition is paused and the poll thread
 * keeps polling, so the member stays in the group and the message is not redelivered while this worker lives.
 * When the work ends its offset is committed, unless the partition was taken away meanwhile (the result is
 * still published; its consumers are idempotent). Transient failures are retried with exponential backoff;
 * permanent ones and spent retries go to {@code <topic>.dlq} with headers, then to the handler's
 * dead-letter hook, then are committed. {@link #close()} abandons running work without committing it, so
 * another worker takes the message over.
 */
public final class WorkLoop<T> implements AutoCloseable {

    public static final String HEADER_ERROR = "bitplan-error";
    public static final String HEADER_ATTEMPTS = "bitplan-attempts";
    public static final String HEADER_WORKER = "bitplan-worker";

    private static final Logger LOG = Logger.getLogger(WorkLoop.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    private static final Duration BUSY_POLL = Duration.ofMillis(100);

    private enum Outcome { COMMIT, REDELIVER, ABANDON }

    private final Config<T> config;
    private final KafkaConsumer<String, byte[]> consumer;
    private final ExecutorService work;
    private final Thread pollThread;
    private volatile boolean running = true;
    private volatile int assignedCount;
    private InFlight inFlight; // touched by the poll thread only

    private WorkLoop(Config<T> config) {
        this.config = config;
        Properties props = KafkaSettings.consumer(config.bootstrap, config.group, config.workerId, config.sessionTimeoutMs);
        props.putAll(config.consumerOverrides);
        this.consumer = new KafkaConsumer<>(props);
        this.work = Executors.newSingleThreadExecutor(r -> daemon(r, "bitplan-work-" + config.workerId));
        this.pollThread = daemon(this::run, "bitplan-poll-" + config.topic + "-" + config.workerId);
        pollThread.start();
    }

    public static <T> Builder<T> builder(String topic, Class<T> type, WorkHandler<T> handler) {
        return new Builder<>(topic, type, handler);
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

    // ---------------------------------------------------------------- poll thread

    private void run() {
        try {
            consumer.subscribe(List.of(config.topic), new Rebalance());
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
                    LOG.errorf("another consumer uses worker id %s in group %s; this one stops. Give each worker its own bitplan.worker.id",
                            config.workerId, config.group);
                    running = false;
                } catch (KafkaException e) {
                    LOG.warnf("polling %s failed, trying again: %s", config.topic, e.getMessage());
                    pause(1000);
                }
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "work loop on %s stopped unexpectedly", config.topic);
        } finally {
            if (inFlight != null && inFlight.result.isDone()) {
                try {
                    finish(); // work that ended just as we stopped still gets its commit
                } catch (RuntimeException e) {
                    LOG.debugf("no final commit: %s", e.getMessage());
                }
            }
            abandonRunningWork();
            try {
                consumer.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                LOG.warnf("closing the consumer of %s: %s", config.topic, e.getMessage());
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
                inFlight = new InFlight(r, tp, work.submit(() -> process(r)));
            } else if (rewound.add(tp)) {
                consumer.seek(tp, r.offset());
            }
        }
    }

    private void finish() {
        InFlight done = inFlight;
        Outcome outcome;
        try {
            outcome = done.result.get();
        } catch (ExecutionException e) {
            LOG.errorf(e.getCause(), "work on %s failed outside its handler; the message will be redelivered", done.describe());
            outcome = Outcome.REDELIVER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = Outcome.ABANDON;
        }
        boolean stillOurs = !done.revoked && consumer.assignment().contains(done.partition);
        if (outcome == Outcome.COMMIT && stillOurs) {
            commit(done);
        } else if (outcome == Outcome.REDELIVER && stillOurs) {
            consumer.seek(done.partition, done.record.offset());
            pause(1000); // do not spin on a message whose dead letter cannot be written
        } else if (!stillOurs) {
            LOG.infof("%s was reassigned while it ran: its result is published, its offset is left to the new owner", done.describe());
        }
        inFlight = null;
        consumer.resume(consumer.assignment());
    }

    private void commit(InFlight done) {
        Map<TopicPartition, OffsetAndMetadata> offset = Map.of(done.partition, new OffsetAndMetadata(done.record.offset() + 1));
        for (int i = 0; i < 3; i++) {
            try {
                consumer.commitSync(offset);
                return;
            } catch (WakeupException e) {
                if (!running) {
                    return; // closing: an uncommitted, finished message is redelivered and its results upserted again
                }
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

    private final class InFlight {
        final ConsumerRecord<String, byte[]> record;
        final TopicPartition partition;
        final Future<Outcome> result;
        boolean revoked;

        InFlight(ConsumerRecord<String, byte[]> record, TopicPartition partition, Future<Outcome> result) {
            this.record = record;
            this.partition = partition;
            this.result = result;
        }

        String describe() {
            return describeRecord(record);
        }
    }

    // ---------------------------------------------------------------- work thread

    private Outcome process(ConsumerRecord<String, byte[]> record) {
        T message;
        try {
            message = JsonSerde.read(record.value() == null ? new byte[0] : record.value(), config.type);
            if (message == null) {
                throw new SerializationException("empty message");
            }
        } catch (RuntimeException e) {
            return deadLetter(record, null, e, 1);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                config.handler.handle(message, new Context(attempt));
                return Outcome.COMMIT;
            } catch (JobCancelledException e) {
                LOG.infof("%s: %s; stopped its work", describeRecord(record), e.getMessage());
                return Outcome.COMMIT;
            } catch (WorkAbandonedException e) {
                return Outcome.ABANDON;
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                if (!running || Thread.currentThread().isInterrupted()) {
                    return Outcome.ABANDON; // the failure is most likely the shutdown's interrupt
                }
                if (isPermanent(e)) {
                    LOG.warnf("%s failed permanently: %s", describeRecord(record), e.getMessage());
                    return deadLetter(record, message, e, attempt);
                }
                if (attempt >= config.retry.attempts()) {
                    LOG.warnf(e, "%s failed on its last try (%d of %d)", describeRecord(record), attempt, config.retry.attempts());
                    return deadLetter(record, message, e, attempt);
                }
                Duration delay = config.retry.delayAfter(attempt);
                LOG.warnf("%s failed (try %d of %d), trying again in %d ms: %s", describeRecord(record), attempt,
                        config.retry.attempts(), delay.toMillis(), e);
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return Outcome.ABANDON;
                }
            }
        }
    }

    private boolean isPermanent(Throwable e) {
        return FailureReasons.firstInChain(e, t -> t instanceof IllegalArgumentException || t instanceof SerializationException
                || t instanceof PermanentFailure || config.permanent.test(t)) != null;
    }

    /** Keeps the original bytes and key, adds why and how often it failed; then tells the handler. */
    private Outcome deadLetter(ConsumerRecord<String, byte[]> record, T message, Throwable error, int attempts) {
        String reason = FailureReasons.reason(error);
        RecordHeaders headers = new RecordHeaders();
        record.headers().forEach(headers::add);
        headers.add(HEADER_ERROR, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(HEADER_ATTEMPTS, String.valueOf(attempts).getBytes(StandardCharsets.UTF_8));
        headers.add(HEADER_WORKER, config.workerId.getBytes(StandardCharsets.UTF_8));
        try {
            config.publisher.sendAndFlush(new ProducerRecord<>(Topics.dlq(config.topic), null, record.key(), record.value(), headers));
        } catch (RuntimeException e) {
            LOG.errorf("cannot write %s to %s (%s); it stays on its topic and is tried again", describeRecord(record),
                    Topics.dlq(config.topic), e.getMessage());
            return running ? Outcome.REDELIVER : Outcome.ABANDON;
        }
        LOG.warnf("%s dead-lettered to %s after %d tr%s: %s", describeRecord(record), Topics.dlq(config.topic), attempts,
                attempts == 1 ? "y" : "ies", reason);
        try {
            config.handler.deadLettered(record.key(), message, error, attempts);
        } catch (RuntimeException e) {
            LOG.errorf(e, "dead-letter hook failed for %s; the record is on %s", describeRecord(record), Topics.dlq(config.topic));
        }
        return Outcome.COMMIT;
    }

    private final class Context implements WorkContext {
        private final int attempt;

        Context(int attempt) {
            this.attempt = attempt;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        @Override
        public String workerId() {
            return config.workerId;
        }

        @Override
        public boolean cancelled(String jobId) {
            return config.cancellations != null && config.cancellations.isCancelled(jobId);
        }

        @Override
        public void cancel(String jobId) {
            if (config.cancellations != null) {
                config.cancellations.cancel(jobId);
            }
        }

        @Override
        public void checkCancelled(String jobId) {
            if (!running || Thread.currentThread().isInterrupted()) {
                throw new WorkAbandonedException();
            }
            if (cancelled(jobId)) {
                throw new JobCancelledException(jobId);
            }
        }
    }

    // ---------------------------------------------------------------- helpers and configuration

    private static String describeRecord(ConsumerRecord<String, byte[]> r) {
        return "message " + r.key() + " (" + r.topic() + "-" + r.partition() + "@" + r.offset() + ")";
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

    private record Config<T>(String topic, Class<T> type, WorkHandler<T> handler, String bootstrap, String group, String workerId,
                             int sessionTimeoutMs, RetryPolicy retry, Predicate<Throwable> permanent, Publisher publisher,
                             JobControlListener cancellations, Properties consumerOverrides) {
    }

    /** Settings of a loop; {@link #start()} joins the group and begins polling. */
    public static final class Builder<T> {
        private final String topic;
        private final Class<T> type;
        private final WorkHandler<T> handler;
        private String bootstrap;
        private String group;
        private String workerId;
        private int sessionTimeoutMs = 10_000;
        private RetryPolicy retry = RetryPolicy.defaults();
        private Predicate<Throwable> permanent = t -> false;
        private Publisher publisher;
        private JobControlListener cancellations;
        private final Properties consumerOverrides = new Properties();

        private Builder(String topic, Class<T> type, WorkHandler<T> handler) {
            this.topic = Objects.requireNonNull(topic, "topic");
            this.type = Objects.requireNonNull(type, "type");
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        public Builder<T> bootstrap(String bootstrap) {
            this.bootstrap = bootstrap;
            return this;
        }

        public Builder<T> group(String group) {
            this.group = group;
            return this;
        }

        /** Also the static membership id: a restarted worker with the same id gets its partitions back at once. */
        public Builder<T> workerId(String workerId) {
            this.workerId = workerId;
            return this;
        }

        public Builder<T> sessionTimeoutMs(int sessionTimeoutMs) {
            this.sessionTimeoutMs = sessionTimeoutMs;
            return this;
        }

        public Builder<T> retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /**
         * Errors (anywhere in the cause chain) that retrying cannot fix, besides IllegalArgumentException,
         * unreadable messages and {@link PermanentFailure}: e.g. the engine's invalid-input errors.
         */
        public Builder<T> permanentWhen(Predicate<Throwable> permanent) {
            this.permanent = Objects.requireNonNull(permanent, "permanent");
            return this;
        }

        /** Where dead letters go; shared with the handler's own sends. */
        public Builder<T> publisher(Publisher publisher) {
            this.publisher = publisher;
            return this;
        }

        public Builder<T> cancellations(JobControlListener cancellations) {
            this.cancellations = cancellations;
            return this;
        }

        /** A raw consumer setting on top of {@link KafkaSettings#consumer} (tests shorten max.poll.interval.ms). */
        public Builder<T> consumerProperty(String key, Object value) {
            consumerOverrides.put(key, value);
            return this;
        }

        public WorkLoop<T> start() {
            List<String> missing = new ArrayList<>();
            if (bootstrap == null || bootstrap.isBlank()) {
                missing.add("bootstrap");
            }
            if (group == null || group.isBlank()) {
                missing.add("group");
            }
            if (workerId == null || workerId.isBlank()) {
                missing.add("workerId");
            }
            if (publisher == null) {
                missing.add("publisher");
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("work loop on " + topic + " lacks " + String.join(", ", missing));
            }
            return new WorkLoop<>(new Config<>(topic, type, handler, bootstrap, group, workerId, sessionTimeoutMs, retry, permanent,
                    publisher, cancellations, consumerOverrides));
        }
    }
}
