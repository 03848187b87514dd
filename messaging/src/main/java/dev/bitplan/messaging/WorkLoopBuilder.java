package dev.bitplan.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Predicate;

/** Settings of a {@link WorkLoop}; {@link #start()} joins the group and begins polling. */
public final class WorkLoopBuilder<T> {

    private final String topic;
    private final Class<T> type;
    private final WorkHandler<T> handler;
    private String bootstrap;
    private String group;
    private String workerId;
    private int sessionTimeoutMs = 10_000;
    private RetryPolicy retry = RetryPolicy.defaults();
    private Predicate<Throwable> permanent = t -> false;
    private Publisher publisher;
    private JobControlListener cancellations;
    private final Properties consumerOverrides = new Properties();

    WorkLoopBuilder(String topic, Class<T> type, WorkHandler<T> handler) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.type = Objects.requireNonNull(type, "type");
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    public WorkLoopBuilder<T> bootstrap(String bootstrap) {
        this.bootstrap = bootstrap;
        return this;
    }

    public WorkLoopBuilder<T> group(String group) {
        this.group = group;
        return this;
    }

    /** Also the static membership id: a restarted worker with the same id gets its partitions back at once. */
    public WorkLoopBuilder<T> workerId(String workerId) {
        this.workerId = workerId;
        return this;
    }

    public WorkLoopBuilder<T> sessionTimeoutMs(int sessionTimeoutMs) {
        this.sessionTimeoutMs = sessionTimeoutMs;
        return this;
    }

    public WorkLoopBuilder<T> retry(RetryPolicy retry) {
        this.retry = Objects.requireNonNull(retry, "retry");
        return this;
    }

    /**
     * Errors (anywhere in the cause chain) that retrying cannot fix, besides IllegalArgumentException,
     * unreadable messages and {@link PermanentFailure}: e.g. the engine's invalid-input errors.
     */
    public WorkLoopBuilder<T> permanentWhen(Predicate<Throwable> permanent) {
        this.permanent = Objects.requireNonNull(permanent, "permanent");
        return this;
    }

    /** Where dead letters go; shared with the handler's own sends. */
    public WorkLoopBuilder<T> publisher(Publisher publisher) {
        this.publisher = publisher;
        return this;
    }

    public WorkLoopBuilder<T> cancellations(JobControlListener cancellations) {
        this.cancellations = cancellations;
        return this;
    }

    /** A raw consumer setting on top of {@link KafkaSettings#consumer} (tests shorten max.poll.interval.ms). */
    public WorkLoopBuilder<T> consumerProperty(String key, Object value) {
        consumerOverrides.put(key, value);
        return this;
    }

    public WorkLoop<T> start() {
        List<String> missing = new ArrayList<>();
        if (bootstrap == null || bootstrap.isBlank()) {
            missing.add("bootstrap");
        }
        if (group == null || group.isBlank()) {
            missing.add("group");
        }
        if (workerId == null || workerId.isBlank()) {
            missing.add("workerId");
        }
        if (publisher == null) {
            missing.add("publisher");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("work loop on " + topic + " lacks " + String.join(", ", missing));
        }
        return new WorkLoop<>(new WorkLoopSettings<>(topic, type, handler, bootstrap, group, workerId, sessionTimeoutMs, retry, permanent,
                publisher, cancellations, consumerOverrides));
    }
}
