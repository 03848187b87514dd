package dev.bitplan.worker;

import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.messaging.WorkerSettings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/** Starts the search worker's loop with the application and stops it (abandoning running work to another worker) on shutdown. */
@Startup
@ApplicationScoped
public class WorkerStartup {

    private static final Logger LOG = Logger.getLogger(WorkerStartup.class);

    private SearchWorker worker;

    void onStart(@Observes StartupEvent event) {
        // MicroProfile config, so BITPLAN_KAFKA_BOOTSTRAP etc. work as well; a missing required key fails the start
        Function<String, Optional<String>> config = key -> ConfigProvider.getConfig().getOptionalValue(key, String.class);
        int threads = WorkerSettings.runtimeThreads(config);
        RuntimeOptions runtime = threads > 0 ? new RuntimeOptions(threads, true) : RuntimeOptions.defaults();
        worker = SearchWorker.start(WorkerSettings.fromConfig(config), runtime);
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
