package dev.bitplan.evaluator;

import dev.bitplan.contracts.messaging.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** Starts the evaluator's loop with the application and stops it (abandoning running work to another evaluator) on shutdown. */
@Startup
@ApplicationScoped
public class EvaluatorStartup {

    private static final Logger LOG = Logger.getLogger(EvaluatorStartup.class);

    @Inject
    EvaluatorConfig config;

    private Evaluator evaluator;

    void onStart(@Observes StartupEvent event) {
        evaluator = Evaluator.start(config.settings(), config.runtime());
        LOG.infof("BitPlan evaluator %s consumes %s from Kafka at %s, files from %s", evaluator.services().workerId(),
                Topics.EVAL_REQUESTS, evaluator.services().settings().bootstrap(), evaluator.services().settings().apiUrl());
    }

    Evaluator evaluator() {
        return evaluator;
    }

    void onStop(@Observes ShutdownEvent event) {
        if (evaluator != null) {
            evaluator.close();
        }
    }
}
