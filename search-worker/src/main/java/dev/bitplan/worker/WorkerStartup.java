package dev.bitplan.worker;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** Starts the search worker's loop with the application and stops it (abandoning running work to another worker) on shutdown. */
@Startup
@ApplicationScoped
public class WorkerStartup {

    private static final Logger LOG = Logger.getLogger(WorkerStartup.class);

    @Inject
    WorkerConfig config;

    private SearchWorker worker;

    void onStart(@Observes StartupEvent event) {
        worker = SearchWorker.start(config.settings(), config.runtime());
        LOG.infof("BitPlan search-worker %s consumes %s from Kafka at %s, files from %s", worker.services().workerId(),
                dev.bitplan.contracts.messaging.Topics.SEARCH_REQUESTS, worker.services().settings().bootstrap(), worker.services().settings().apiUrl());
    }

    SearchWorker worker() {
        return worker;
    }

    void onStop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.close();
        }
    }
}
