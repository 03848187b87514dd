package dev.bitplan.evaluator;

import dev.bitplan.contracts.messaging.Topics;
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

/** Starts the evaluator's loop with the application and stops it (abandoning running work to another evaluator) on shutdown. */
@Startup
@ApplicationScoped
public class EvaluatorStartup {

    private static final Logger LOG = Logger.getLogger(EvaluatorStartup.class);

    private Evaluator evaluator;

    void onStart(@Observes StartupEvent event) {
        // MicroProfile config, so BITPLAN_KAFKA_BOOTSTRAP etc. work as well; a missing required key fails the start
        Function<String, Optional<String>> config = key -> ConfigProvider.getConfig().getOptionalValue(key, String.class);
        int threads = WorkerSettings.runtimeThreads(config);
        RuntimeOptions runtime = threads > 0 ? new RuntimeOptions(threads, true) : RuntimeOptions.defaults();
        evaluator = Evaluator.start(WorkerSettings.fromConfig(config), runtime);
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
