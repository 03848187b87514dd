package dev.bitplan.evaluator;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Startup hook of the evaluator: says it is a placeholder until issue 4 wires the Kafka consumers. */
@ApplicationScoped
public class EvaluatorStartup {

    private static final Logger LOG = Logger.getLogger(EvaluatorStartup.class);

    void onStart(@Observes StartupEvent event) {
        LOG.info("BitPlan evaluator started: placeholder, evaluates no candidates until issue 4 wires Kafka");
    }
}
