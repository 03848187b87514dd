package dev.bitplan.messaging.testing;

import dev.bitplan.messaging.KafkaSettings;
import dev.bitplan.messaging.TopicSetup;
import dev.bitplan.stack.LocalKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** One real in-JVM broker for all tests of a module (started on first use, stopped with the JVM), and small helpers around it. */
public final class TestKafka {

    private static LocalKafka kafka;

    private TestKafka() {
    }

    public static synchronized String bootstrap() {
        if (kafka == null) {
            kafka = LocalKafka.start(null, 0);
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
            TopicSetup.ensure(kafka.bootstrapServers());
        }
        return kafka.bootstrapServers();
    }

    /** A fresh work topic with its dead-letter topic, so each test's worker sees only its own messages. */
    public static String topic(String prefix) throws Exception {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1), new NewTopic(name + ".dlq", 1, (short) 1))).all().get();
        }
        return name;
    }

    public static void produce(String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(KafkaSettings.producer(bootstrap(), "test-producer"))) {
            p.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** Reads a topic from the start until {@code count} records arrived or the timeout passed. */
    public static List<ConsumerRecord<String, byte[]>> read(String topic, int count, Duration timeout) {
        return readUntil(List.of(topic), r -> true, rs -> rs.size() >= count, timeout);
    }

    /** Reads the topics from the start, keeping the records {@code keep} accepts, until {@code done} holds for them. */
    public static List<ConsumerRecord<String, byte[]>> readUntil(List<String> topics, Predicate<ConsumerRecord<String, byte[]>> keep,
                                                                 Predicate<List<ConsumerRecord<String, byte[]>>> done, Duration timeout) {
        Properties props = KafkaSettings.consumer(bootstrap(), "reader-" + UUID.randomUUID(), null, 10_000);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
            c.subscribe(topics);
            long end = System.nanoTime() + timeout.toNanos();
            while (!done.test(out) && System.nanoTime() < end) {
                c.poll(Duration.ofMillis(100)).forEach(r -> {
                    if (keep.test(r)) {
                        out.add(r);
                    }
                });
            }
        }
        return out;
    }

    /** The group's committed offset of partition 0, or -1. */
    public static long committed(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topic, 0));
            return o == null ? -1 : o.offset();
        }
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
