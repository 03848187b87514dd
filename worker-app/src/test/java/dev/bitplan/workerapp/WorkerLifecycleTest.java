package dev.bitplan.workerapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.bitplan.contracts.config.ConfigKeys;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.workerapp.testing.KafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The shared lifecycle starts the app's worker from the typed configuration, in an environment that also holds the
 * api's keys under the same prefix (as {@code .env} or {@code bitplan up} give them): those must not fail the start.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@TestProfile(WorkerLifecycleTest.SharedEnvironment.class)
class WorkerLifecycleTest {

    /** Keys under {@code bitplan} that {@link WorkerConfig} does not map, and a worker setting. */
    public static class SharedEnvironment implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(ConfigKeys.ADMIN_TOKEN, "bp_admin", ConfigKeys.LIMITS_MODEL_BYTES, "1024", ConfigKeys.WORKER_THREADS, "2");
        }
    }

    @Inject
    WorkerLifecycle lifecycle;

    @Test
    void startsTheAppsWorkerFromTheTypedConfiguration() {
        TestWorkerApp.IdleWorker worker = assertInstanceOf(TestWorkerApp.IdleWorker.class, lifecycle.worker());
        assertEquals(KafkaResource.WORKER_ID, worker.services().workerId());
        assertEquals(new RuntimeOptions(2, true), worker.runtime);
    }

    @Test
    void theApisKeysUnderTheSamePrefixDoNotFailTheStart() {
        // the app started (the worker runs) although the environment holds keys the mapping does not know
        assertEquals("bp_admin", ConfigProvider.getConfig().getValue(ConfigKeys.ADMIN_TOKEN, String.class));
        assertEquals("1024", ConfigProvider.getConfig().getValue(ConfigKeys.LIMITS_MODEL_BYTES, String.class));
        assertInstanceOf(TestWorkerApp.IdleWorker.class, lifecycle.worker());
    }
}
