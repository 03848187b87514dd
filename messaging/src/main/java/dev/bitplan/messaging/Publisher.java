package dev.bitplan.messaging;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * One idempotent producer for a process, sending the contracts' records as JSON, keyed. Thread-safe. A durable send
 * waits out a broker it cannot reach (up to the outage limit, {@link OutageWait}); a record sent again after such a
 * wait may arrive twice, which its consumers, idempotent by key, absorb.
 */
public final class Publisher implements AutoCloseable {

    /** How long a durable send waits for the broker before it counts as a (transient) failure. */
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaProducer<String, byte[]> producer;
    private final OutageWait outage;

    public Publisher(String bootstrap, String clientId) {
        this(bootstrap, clientId, OutageWait.DEFAULT_LIMIT);
    }

    public Publisher(String bootstrap, String clientId, Duration outageLimit) {
        this.producer = new KafkaProducer<>(KafkaSettings.producer(bootstrap, clientId));
        this.outage = new OutageWait("Kafka at " + bootstrap, outageLimit);
    }

    /** Sends without waiting; order per key is kept by the idempotent producer. */
    public Future<RecordMetadata> send(String topic, String key, Object value) {
        return producer.send(new ProducerRecord<>(topic, key, JsonSerde.write(value)));
    }

    /** Sends and waits for the broker's acknowledgement: for events that must be durable before work goes on. */
    public RecordMetadata sendAndFlush(String topic, String key, Object value) {
        return sendAndFlush(new ProducerRecord<>(topic, key, JsonSerde.write(value)));
    }

    /** Sends a raw record (a dead letter keeps the original bytes and adds headers) and waits for its acknowledgement. */
    public RecordMetadata sendAndFlush(ProducerRecord<String, byte[]> record) {
        return outage.run("publish to " + record.topic(), () -> {
            try {
                return await(producer.send(record), record.topic());
            } catch (RetriableException e) { // send() blocked on metadata for max.block.ms: no broker answers
                throw new OutageWait.Unreachable("cannot publish to " + record.topic() + ": " + OutageWait.text(e), e);
            }
        });
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    private static RecordMetadata await(Future<RecordMetadata> sent, String topic) {
        try {
            return sent.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException) { // the producer's own retries ran out: the broker is away
                throw new OutageWait.Unreachable("cannot publish to " + topic + ": " + OutageWait.text(e.getCause()), e.getCause());
            }
            throw new KafkaException("cannot publish to " + topic + ": " + OutageWait.text(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new OutageWait.Unreachable("no acknowledgement from Kafka for " + topic + " within " + ACK_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkAbandonedException();
        }
    }
}
