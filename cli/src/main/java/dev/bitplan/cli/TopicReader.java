package dev.bitplan.cli;

import dev.bitplan.messaging.KafkaSettings;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Everything a topic holds so far, read from the beginning by a throw-away consumer (for checks, never for work). */
final class TopicReader {

    private TopicReader() {
    }

    static void readAll(String bootstrap, String topic, Consumer<ConsumerRecord<String, byte[]>> each) {
        var props = KafkaSettings.consumer(bootstrap, "reader-" + UUID.randomUUID(), null, 10_000);
        props.put("max.poll.records", 500);
        try (var consumer = new KafkaConsumer<String, byte[]>(props)) {
            var partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }
}
