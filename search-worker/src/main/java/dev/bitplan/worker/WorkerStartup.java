package dev.bitplan.worker;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Startup hook of the search worker: says it is a placeholder until issue 4 wires the Kafka consumers. */
@ApplicationScoped
public class WorkerStartup {

    private static final Logger LOG = Logger.getLogger(WorkerStartup.class);

    void onStart(@Observes StartupEvent event) {
        LOG.info("BitPlan search-worker started: placeholder, consumes no search requests until issue 4 wires Kafka");
    }
}
