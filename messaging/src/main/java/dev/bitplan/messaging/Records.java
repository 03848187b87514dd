package dev.bitplan.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** How the work loop names a record in its log lines. */
final class Records {

    private Records() {
    }

    static String describe(ConsumerRecord<?, ?> r) {
        return "message " + r.key() + " (" + id(r) + ")";
    }

    /** {@code topic-partition@offset}: names one record for good. */
    static String id(ConsumerRecord<?, ?> r) {
        return r.topic() + "-" + r.partition() + "@" + r.offset();
    }
}
