package dev.bitplan.workerapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.config.ConfigKeys;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.messaging.WorkerSettings;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mapping read by SmallRye Config as the apps read it, without starting Quarkus. */
class WorkerConfigTest {

    private static WorkerConfig config(Map<String, String> values) {
        return new SmallRyeConfigBuilder().withMapping(WorkerConfig.class).withSources(new PropertiesConfigSource(values, "test", 250))
                .build().getConfigMapping(WorkerConfig.class);
    }

    private static Map<String, String> required() {
        Map<String, String> values = new HashMap<>();
        values.put(ConfigKeys.KAFKA_BOOTSTRAP, "kafka:9092");
        values.put(ConfigKeys.API_URL, "http://api:8080");
        return values;
    }

    @Test
    void onlyTheRequiredKeysGiveTheDefaults() {
        WorkerConfig config = config(required());
        WorkerSettings s = config.settings();
        assertEquals("kafka:9092", s.bootstrap());
        assertEquals("http://api:8080", s.apiUrl());
        assertEquals("", s.internalToken());
        assertEquals(WorkerSettings.defaultCacheDir(), s.cacheDir());
        assertTrue(s.workerId().endsWith("-" + ProcessHandle.current().pid()), s.workerId());
        assertEquals(10_000, s.sessionTimeoutMs());
        assertEquals(3, s.retry().attempts());
        assertEquals(0, config.worker().threads());
        assertEquals(RuntimeOptions.defaults(), config.runtimeOptions());
    }

    @Test
    void everyKeyIsRead() {
        Map<String, String> values = required();
        values.put(ConfigKeys.INTERNAL_TOKEN, "secret");
        values.put(ConfigKeys.CACHE_DIR, "/var/cache/bitplan");
        values.put(ConfigKeys.WORKER_ID, "w-7");
        values.put(ConfigKeys.WORKER_SESSION_TIMEOUT_MS, "6000");
        values.put(ConfigKeys.WORKER_MAX_ATTEMPTS, "5");
        values.put(ConfigKeys.WORKER_THREADS, "4");
        WorkerConfig config = config(values);
        WorkerSettings s = config.settings();
        assertEquals("secret", s.internalToken());
        assertEquals(Path.of("/var/cache/bitplan"), s.cacheDir());
        assertEquals("w-7", s.workerId());
        assertEquals(6000, s.sessionTimeoutMs());
        assertEquals(5, s.retry().attempts());
        assertEquals(4, config.worker().threads());
        assertEquals(new RuntimeOptions(4, true), config.runtimeOptions());
    }

    @Test
    void aMissingRequiredKeyOrABadNumberIsNamed() {
        for (String key : new String[] {ConfigKeys.KAFKA_BOOTSTRAP, ConfigKeys.API_URL}) {
            Map<String, String> values = required();
            values.remove(key);
            RuntimeException e = assertThrows(RuntimeException.class, () -> config(values));
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
        Map<String, String> values = required();
        values.put(ConfigKeys.WORKER_MAX_ATTEMPTS, "three");
        RuntimeException e = assertThrows(RuntimeException.class, () -> config(values));
        assertTrue(e.getMessage().contains(ConfigKeys.WORKER_MAX_ATTEMPTS) && e.getMessage().contains("\"three\""), e.getMessage());
    }
}
