package dev.bitplan.cli;

import dev.bitplan.messaging.JsonSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** What a topic holds so far, as messages of one type (for end-to-end checks). */
final class TopicRecords {

    private TopicRecords() {
    }

    static <T> List<T> read(String bootstrap, String topic, Class<T> type, Predicate<T> keep) {
        List<T> out = new ArrayList<>();
        TopicReader.readAll(bootstrap, topic, r -> {
            T value = JsonSerde.read(r.value(), type);
            if (keep.test(value)) {
                out.add(value);
            }
        });
        return out;
    }
}
