package dev.bitplan.cli;

import dev.bitplan.messaging.JsonSerde;
import dev.bitplan.messaging.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** What a topic holds so far, read from the beginning by a throw-away consumer group (for end-to-end checks). */
final class TopicRecords {

    private TopicRecords() {
    }

    static <T> List<T> read(String bootstrap, String topic, Class<T> type, Predicate<T> keep) {
        var props = KafkaSettings.consumer(bootstrap, "test-" + UUID.randomUUID(), null, 10_000);
        props.put("max.poll.records", 500);
        List<T> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, byte[]>(props)) {
            var partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    T value = JsonSerde.read(r.value(), type);
                    if (keep.test(value)) {
                        out.add(value);
                    }
                }
            }
        }
        return out;
    }
}
