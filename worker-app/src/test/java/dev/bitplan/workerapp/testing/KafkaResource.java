package dev.bitplan.workerapp.testing;

import dev.bitplan.contracts.config.ConfigKeys;
import dev.bitplan.messaging.testing.TestKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a worker app under test at the module's real in-JVM broker (shared with its plain tests), with worker id
 * {@value #WORKER_ID}. Shared by the worker apps' tests through bitplan-worker-app:test-jar.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

    public static final String WORKER_ID = "quarkus-test-worker";

    @Override
    public Map<String, String> start() {
        return Map.of(ConfigKeys.KAFKA_BOOTSTRAP, TestKafka.bootstrap(), ConfigKeys.API_URL, "http://localhost:9",
                ConfigKeys.WORKER_ID, WORKER_ID);
    }

    @Override
    public void stop() {
        // the broker is shared with the plain tests and stops with the JVM
    }
}
