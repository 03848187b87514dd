package dev.bitplan.workerapp;

import dev.bitplan.messaging.Worker;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** Starts the app's worker with the application and stops it (abandoning running work to another worker) on shutdown. */
@Startup
@ApplicationScoped
public class WorkerLifecycle {

    private static final Logger LOG = Logger.getLogger(WorkerLifecycle.class);

    @Inject
    WorkerConfig config;

    @Inject
    WorkerApp app;

    private Worker<?> worker;

    void onStart(@Observes StartupEvent event) {
        // the mapping was validated before start: a missing required key or a bad number has already failed it
        worker = app.start(config.settings(), config.runtimeOptions());
        LOG.infof("BitPlan %s %s consumes %s from Kafka at %s, files from %s", app.name(), worker.services().workerId(), worker.topic(),
                worker.services().settings().bootstrap(), worker.services().settings().apiUrl());
    }

    /** The running worker; null before start. */
    public Worker<?> worker() {
        return worker;
    }

    void onStop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.close();
        }
    }
}
