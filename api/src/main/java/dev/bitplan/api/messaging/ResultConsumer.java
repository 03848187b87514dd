package dev.bitplan.api.messaging;

import dev.bitplan.api.config.ApiConfig;
import dev.bitplan.api.service.EventApplier;
import dev.bitplan.contracts.messaging.CandidateEvaluated;
import dev.bitplan.contracts.messaging.JobEvent;
import dev.bitplan.contracts.messaging.Topics;
import dev.bitplan.messaging.JsonSerde;
import dev.bitplan.messaging.KafkaSettings;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Applies job events and evaluation results from Kafka (group {@code bitplan-api}), one record at a time, and
 * commits its offset only after the record's database transaction committed: at-least-once, made harmless by the
 * idempotent {@link EventApplier}. A record that cannot be read or applied goes to {@code <topic>.dlq} and the
 * consumer moves on; a failure that looks temporary (database away) is retried from the same offset.
 */
@ApplicationScoped
public class ResultConsumer {

    private static final Logger LOG = Logger.getLogger(ResultConsumer.class);
    private static final int ATTEMPTS = 3;

    @Inject
    ApiConfig config;

    @Inject
    EventApplier applier;

    @Inject
    KafkaPublisher publisher;

    private final AtomicBoolean running = new AtomicBoolean();
    private KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    public synchronized void start() {
        if (running.getAndSet(true)) {
            return;
        }
        // static membership (bitplan.api.instance-id): a restarted api resumes its partitions at once, at the last commit
        Properties p = KafkaSettings.consumer(config.kafka().bootstrap(), "bitplan-api", config.api().instanceId().orElse(null), 30_000);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(Topics.JOB_EVENTS, Topics.EVAL_RESULTS));
        thread = new Thread(this::run, "bitplan-api-results");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@jakarta.enterprise.event.Observes ShutdownEvent ev) {
        if (running.getAndSet(false) && consumer != null) {
            consumer.wakeup();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            while (running.get()) {
                try {
                    pollAndApply();
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    // the broker is away (restarting): keep the consumer and try again; what was applied but not
                    // committed comes again and is applied idempotently
                    LOG.warnf("Kafka is unreachable for the result consumer, trying again: %s", e.getMessage());
                    sleepQuietly(1000);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("result consumer stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void pollAndApply() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
            if (!handle(record)) {
                // seek back so the record is polled again after a pause, without committing past it
                consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
                sleepQuietly(1000);
                return;
            }
            consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1)));
        }
    }

    /** @return true when the record is done with (applied, or sent to the DLQ), false to retry it */
    private boolean handle(ConsumerRecord<String, byte[]> record) {
        Object message;
        try {
            message = record.topic().equals(Topics.JOB_EVENTS) ? JsonSerde.read(record.value(), JobEvent.class)
                    : JsonSerde.read(record.value(), CandidateEvaluated.class);
        } catch (SerializationException | NullPointerException e) {
            return deadLetter(record, "unreadable: " + dev.bitplan.messaging.FailureReasons.text(e), jobOf(record.key()));
        }
        RuntimeException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                if (message instanceof JobEvent event) {
                    applier.apply(event);
                } else {
                    applier.apply((CandidateEvaluated) message);
                }
                return true;
            } catch (RuntimeException e) {
                last = e;
                LOG.warnf("applying %s@%d failed (attempt %d): %s", record.topic(), record.offset(), attempt, e.getMessage());
                sleepQuietly(200L * attempt);
            }
        }
        if (isTransient(last)) {
            return false;
        }
        LOG.error("giving up on " + record.topic() + "@" + record.offset(), last);
        String jobId = message instanceof JobEvent event ? event.jobId() : ((CandidateEvaluated) message).jobId();
        return deadLetter(record, dev.bitplan.messaging.FailureReasons.text(last), jobId);
    }

    /** Parks the record in the DLQ and fails its job, so that nothing is lost silently and the user learns why. */
    private boolean deadLetter(ConsumerRecord<String, byte[]> record, String reason, String jobId) {
        try {
            publisher.sendRaw(Topics.dlq(record.topic()), record.key(), record.value(), reason);
        } catch (RuntimeException e) {
            LOG.errorf("cannot dead-letter %s@%d: %s", record.topic(), record.offset(), e.getMessage());
            return false;
        }
        if (jobId != null && !jobId.isBlank()) {
            try {
                applier.apply(JobEvent.failed(jobId, "the api could not apply a message from a worker (" + reason + "); it is kept in "
                        + Topics.dlq(record.topic()) + " for an operator; submit the job again", "api"));
            } catch (RuntimeException e) {
                LOG.errorf("cannot mark job %s failed: %s", jobId, e.getMessage());
            }
        }
        return true;
    }

    /** Job events are keyed by job id, results by {@code <jobId>:<candidate>}. */
    private static String jobOf(String key) {
        if (key == null) {
            return null;
        }
        int colon = key.indexOf(':');
        return colon < 0 ? key : key.substring(0, colon);
    }

    private static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientException || t instanceof java.net.ConnectException
                    || t instanceof jakarta.persistence.PessimisticLockException
                    || t instanceof org.hibernate.exception.JDBCConnectionException) {
                return true;
            }
        }
        return false;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
