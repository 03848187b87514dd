package dev.bitplan.workerapp;

import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.messaging.Worker;
import dev.bitplan.messaging.WorkerSettings;
import dev.bitplan.messaging.testing.TestKafka;
import jakarta.enterprise.context.ApplicationScoped;

/** The smallest worker app: a loop over a fresh topic whose handler does nothing. */
@ApplicationScoped
public class TestWorkerApp implements WorkerApp {

    static final class IdleWorker extends Worker<String> {
        final RuntimeOptions runtime;

        IdleWorker(WorkerSettings settings, RuntimeOptions runtime, String topic) {
            super(settings, topic, "g-" + topic, String.class, services -> (message, context) -> { }, t -> false);
            this.runtime = runtime;
        }
    }

    @Override
    public String name() {
        return "test-worker";
    }

    @Override
    public Worker<?> start(WorkerSettings settings, RuntimeOptions runtime) {
        try {
            return new IdleWorker(settings, runtime, TestKafka.topic("lifecycle"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
