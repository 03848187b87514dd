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

/** One idempotent producer for a process, sending the contracts' records as JSON, keyed. Thread-safe. */
public final class Publisher implements AutoCloseable {

    /** How long a durable send waits for the broker before it counts as a (transient) failure. */
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaProducer<String, byte[]> producer;

    public Publisher(String bootstrap, String clientId) {
        this.producer = new KafkaProducer<>(KafkaSettings.producer(bootstrap, clientId));
    }

    /** Sends without waiting; order per key is kept by the idempotent producer. */
    public Future<RecordMetadata> send(String topic, String key, Object value) {
        return producer.send(new ProducerRecord<>(topic, key, JsonSerde.write(value)));
    }

    /** Sends and waits for the broker's acknowledgement: for events that must be durable before work goes on. */
    public RecordMetadata sendAndFlush(String topic, String key, Object value) {
        return await(producer.send(new ProducerRecord<>(topic, key, JsonSerde.write(value))), topic);
    }

    /** Sends a raw record (a dead letter keeps the original bytes and adds headers) and waits for its acknowledgement. */
    public RecordMetadata sendAndFlush(ProducerRecord<String, byte[]> record) {
        return await(producer.send(record), record.topic());
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    private static RecordMetadata await(Future<RecordMetadata> sent, String topic) {
        try {
            return sent.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot publish to " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("no acknowledgement from Kafka for " + topic + " within " + ACK_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkAbandonedException();
        }
    }
}
