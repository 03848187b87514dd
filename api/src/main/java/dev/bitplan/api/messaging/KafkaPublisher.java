package dev.bitplan.api.messaging;

import dev.bitplan.api.config.ApiConfig;
import dev.bitplan.messaging.JsonSerde;
import dev.bitplan.messaging.KafkaSettings;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Sends the api's messages (search requests, job control) and waits for the broker's acknowledgement. */
@ApplicationScoped
public class KafkaPublisher {

    private static final long SEND_TIMEOUT_MS = 10_000;

    @Inject
    ApiConfig config;

    private Producer<String, byte[]> producer;

    private synchronized Producer<String, byte[]> producer() {
        if (producer == null) {
            Properties p = KafkaSettings.producer(config.kafka().bootstrap(), "bitplan-api");
            // a request thread must not hang when Kafka is away: fail fast, the relay sends it later
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT_MS);
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT_MS);
            p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT_MS / 2);
            producer = new KafkaProducer<>(p);
        }
        return producer;
    }

    /** @throws IllegalStateException when the broker did not acknowledge in time */
    public void send(String topic, String key, Object value) {
        sendAndWait(new ProducerRecord<>(topic, key, JsonSerde.write(value)));
    }

    /** Forwards a record's bytes as they came (to a dead-letter topic), with the reason in a header. */
    public void sendRaw(String topic, String key, byte[] value, String reason) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key, value);
        r.headers().add("bitplan-error", String.valueOf(reason).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sendAndWait(r);
    }

    private void sendAndWait(ProducerRecord<String, byte[]> r) {
        try {
            producer().send(r).get(SEND_TIMEOUT_MS + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + r.topic(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot send to " + r.topic() + ": " + dev.bitplan.messaging.FailureReasons.text(e), e);
        }
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
