package dev.bitplan.messaging;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.jboss.logging.Logger;

/**
 * Runs the handler on one record, on the loop's work thread: transient failures are tried again with backoff,
 * permanent ones and spent tries go to the {@link DeadLetterQueue}.
 */
final class RetryingHandler<T> {

    private static final Logger LOG = Logger.getLogger(WorkLoop.class); // the loop's category: one log setting covers the loop

    private final Class<T> type;
    private final WorkHandler<T> handler;
    private final String workerId;
    private final RetryPolicy retry;
    private final Predicate<Throwable> permanent;
    private final JobControlListener cancellations;
    private final DeadLetterQueue<T> deadLetters;
    private final BooleanSupplier loopRunning;

    RetryingHandler(WorkLoopSettings<T> settings, BooleanSupplier loopRunning) {
        this.type = settings.type();
        this.handler = settings.handler();
        this.workerId = settings.workerId();
        this.retry = settings.retry();
        this.permanent = settings.permanent();
        this.cancellations = settings.cancellations();
        this.deadLetters = new DeadLetterQueue<>(settings, loopRunning);
        this.loopRunning = loopRunning;
    }

    WorkOutcome process(ConsumerRecord<String, byte[]> record) {
        T message;
        try {
            message = JsonSerde.read(record.value() == null ? new byte[0] : record.value(), type);
            if (message == null) {
                throw new SerializationException("empty message");
            }
        } catch (RuntimeException e) {
            return deadLetters.send(record, null, e, 1);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                handler.handle(message, new AttemptContext(attempt, workerId, Records.id(record), cancellations, loopRunning));
                return WorkOutcome.COMMIT;
            } catch (JobCancelledException e) {
                LOG.infof("%s: %s; stopped its work", Records.describe(record), e.getMessage());
                return WorkOutcome.COMMIT;
            } catch (WorkAbandonedException e) {
                return WorkOutcome.ABANDON;
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                if (!loopRunning.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                    return WorkOutcome.ABANDON; // the failure is most likely the shutdown's interrupt
                }
                if (isPermanent(e)) {
                    LOG.warnf("%s failed permanently: %s", Records.describe(record), e.getMessage());
                    return deadLetters.send(record, message, e, attempt);
                }
                if (attempt >= retry.attempts()) {
                    LOG.warnf(e, "%s failed on its last try (%d of %d)", Records.describe(record), attempt, retry.attempts());
                    return deadLetters.send(record, message, e, attempt);
                }
                Duration delay = retry.delayAfter(attempt);
                LOG.warnf("%s failed (try %d of %d), trying again in %d ms: %s", Records.describe(record), attempt,
                        retry.attempts(), delay.toMillis(), e);
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return WorkOutcome.ABANDON;
                }
            }
        }
    }

    private boolean isPermanent(Throwable e) {
        return FailureReasons.firstInChain(e, t -> t instanceof IllegalArgumentException || t instanceof SerializationException
                || t instanceof PermanentFailure || permanent.test(t)) != null;
    }
}
