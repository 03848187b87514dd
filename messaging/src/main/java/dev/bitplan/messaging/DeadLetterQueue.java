package dev.bitplan.messaging;

import dev.bitplan.contracts.messaging.Topics;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

/** Moves a message the loop gives up on to {@code <topic>.dlq} with {@link DeadLetterHeaders}, then tells the handler. */
final class DeadLetterQueue<T> {

    private static final Logger LOG = Logger.getLogger(WorkLoop.class); // the loop's category: one log setting covers the loop

    private final String topic;
    private final String workerId;
    private final Publisher publisher;
    private final WorkHandler<T> handler;
    private final BooleanSupplier loopRunning;

    DeadLetterQueue(WorkLoopSettings<T> settings, BooleanSupplier loopRunning) {
        this.topic = settings.topic();
        this.workerId = settings.workerId();
        this.publisher = settings.publisher();
        this.handler = settings.handler();
        this.loopRunning = loopRunning;
    }

    /**
     * Keeps the original bytes and key, adds why and how often it failed; then calls the handler's dead-letter hook.
     *
     * @param message  the parsed message, or null when it could not be read
     * @return COMMIT once written; when the write failed, REDELIVER (or ABANDON while stopping)
     */
    WorkOutcome send(ConsumerRecord<String, byte[]> record, T message, Throwable error, int attempts) {
        String reason = FailureReasons.reason(error);
        RecordHeaders headers = new RecordHeaders();
        record.headers().forEach(headers::add);
        headers.add(DeadLetterHeaders.ERROR, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.ATTEMPTS, String.valueOf(attempts).getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.WORKER, workerId.getBytes(StandardCharsets.UTF_8));
        String dlq = Topics.dlq(topic);
        try {
            publisher.sendAndFlush(new ProducerRecord<>(dlq, null, record.key(), record.value(), headers));
        } catch (RuntimeException e) {
            LOG.errorf("cannot write %s to %s (%s); it stays on its topic and is tried again", Records.describe(record), dlq, e.getMessage());
            return loopRunning.getAsBoolean() ? WorkOutcome.REDELIVER : WorkOutcome.ABANDON;
        }
        LOG.warnf("%s dead-lettered to %s after %d tr%s: %s", Records.describe(record), dlq, attempts, attempts == 1 ? "y" : "ies", reason);
        try {
            handler.deadLettered(record.key(), message, error, attempts);
        } catch (RuntimeException e) {
            LOG.errorf(e, "dead-letter hook failed for %s; the record is on %s", Records.describe(record), dlq);
        }
        return WorkOutcome.COMMIT;
    }
}
