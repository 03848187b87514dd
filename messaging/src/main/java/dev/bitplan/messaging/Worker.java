package dev.bitplan.messaging;

import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A running worker: its clients and its loop over one topic. Plain, so tests run it without Quarkus; each worker app
 * extends it with its topic, group, message type and handler.
 *
 * @param <T>  the message the loop consumes
 */
public abstract class Worker<T> implements AutoCloseable {

    private final String topic;
    private final WorkerServices services;
    private final WorkLoop<T> loop;

    /**
     * Ensures the topics, connects the clients and starts the loop.
     *
     * @param handler    the handler, made from the clients it shares with the loop
     * @param permanent  failures that no retry can fix: dead-lettered at once
     */
    protected Worker(WorkerSettings settings, String topic, String group, Class<T> type, Function<WorkerServices, WorkHandler<T>> handler,
                     Predicate<Throwable> permanent) {
        this.topic = topic;
        TopicSetup.ensure(settings.bootstrap());
        this.services = new WorkerServices(settings);
        try {
            this.loop = services.loop(topic, group, type, handler.apply(services)).permanentWhen(permanent).start();
        } catch (RuntimeException e) {
            services.close(); // the producer and the control listener's thread would outlive a worker that never started
            throw e;
        }
    }

    public WorkerServices services() {
        return services;
    }

    /** The topic its loop consumes. */
    public String topic() {
        return topic;
    }

    /** Stops the loop, abandoning running work to another worker, then closes the clients. */
    @Override
    public void close() {
        loop.close();
        services.close();
    }
}
