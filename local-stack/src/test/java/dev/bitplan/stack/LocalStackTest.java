package dev.bitplan.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackTest {

    @Test
    void postgresKeepsItsDataAcrossARestart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pg");
        try (LocalPostgres pg = LocalPostgres.start(data, 0); Connection c = DriverManager.getConnection(pg.jdbcUrl())) {
            c.createStatement().execute("CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)");
        }
        try (LocalPostgres pg = LocalPostgres.start(data, 0); Connection c = DriverManager.getConnection(pg.jdbcUrl());
             ResultSet rs = c.createStatement().executeQuery("SELECT v FROM kept")) {
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1));
        }
    }

    @Test
    void kafkaDeliversAndKeepsTopicsAcrossARestart(@TempDir Path dir) throws Exception {
        Path logs = dir.resolve("kafka");
        try (LocalKafka kafka = LocalKafka.start(logs, 0)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            Properties p = new Properties();
            p.put("bootstrap.servers", kafka.bootstrapServers());
            try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("t", "k", "hello")).get(30, TimeUnit.SECONDS);
            }
        }
        try (LocalKafka kafka = LocalKafka.start(logs, 0)) {
            Properties c = new Properties();
            c.put("bootstrap.servers", kafka.bootstrapServers());
            c.put("group.id", "g");
            c.put("auto.offset.reset", "earliest");
            try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("t"));
                long end = System.currentTimeMillis() + 30_000;
                String got = null;
                while (got == null && System.currentTimeMillis() < end) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                    for (var r : records) {
                        got = r.value();
                    }
                }
                assertEquals("hello", got);
            }
        }
    }
}
