package dev.bitplan.evaluator;

import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.messaging.WorkerSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The evaluator's configuration (MicroProfile config: {@code BITPLAN_KAFKA_BOOTSTRAP} etc. work as well). */
@ApplicationScoped
public class EvaluatorConfig {

    @ConfigProperty(name = "bitplan.kafka.bootstrap")
    String bootstrap;

    @ConfigProperty(name = "bitplan.api.url")
    String apiUrl;

    @ConfigProperty(name = "bitplan.internal-token")
    Optional<String> internalToken;

    @ConfigProperty(name = "bitplan.cache-dir")
    Optional<String> cacheDir;

    @ConfigProperty(name = "bitplan.worker.id")
    Optional<String> workerId;

    @ConfigProperty(name = "bitplan.worker.session-timeout-ms", defaultValue = "10000")
    int sessionTimeoutMs;

    @ConfigProperty(name = "bitplan.worker.max-attempts", defaultValue = "3")
    int maxAttempts;

    /** ONNX Runtime threads; 0 = all cores. */
    @ConfigProperty(name = "bitplan.worker.threads", defaultValue = "0")
    int threads;

    WorkerSettings settings() {
        return WorkerSettings.of(bootstrap, apiUrl, internalToken.orElse(""), cacheDir.map(Path::of).orElse(null), workerId.orElse(null),
                sessionTimeoutMs, maxAttempts);
    }

    RuntimeOptions runtime() {
        return threads > 0 ? new RuntimeOptions(threads, true) : RuntimeOptions.defaults();
    }
}
