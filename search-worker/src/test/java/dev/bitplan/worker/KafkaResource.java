package dev.bitplan.worker;

import dev.bitplan.messaging.testing.TestKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points the app under test at this module's real in-JVM broker (shared with the plain tests). */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("bitplan.kafka.bootstrap", TestKafka.bootstrap(), "bitplan.api.url", "http://localhost:9",
                "bitplan.worker.id", "quarkus-test-worker");
    }

    @Override
    public void stop() {
        // the broker is shared with the plain tests and stops with the JVM
    }
}
