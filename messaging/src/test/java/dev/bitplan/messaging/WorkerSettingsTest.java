package dev.bitplan.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class WorkerSettingsTest {

    private static Function<String, Optional<String>> config(Map<String, String> values) {
        return key -> Optional.ofNullable(values.get(key));
    }

    private static Map<String, String> required() {
        Map<String, String> values = new HashMap<>();
        values.put("bitplan.kafka.bootstrap", "kafka:9092");
        values.put("bitplan.api.url", "http://api:8080");
        return values;
    }

    @Test
    void onlyTheRequiredKeysGiveTheDefaults() {
        WorkerSettings s = WorkerSettings.fromConfig(config(required()));
        assertEquals("kafka:9092", s.bootstrap());
        assertEquals("http://api:8080", s.apiUrl());
        assertEquals("", s.internalToken());
        assertEquals(WorkerSettings.defaultCacheDir(), s.cacheDir());
        assertTrue(s.workerId().endsWith("-" + ProcessHandle.current().pid()), s.workerId());
        assertEquals(10_000, s.sessionTimeoutMs());
        assertEquals(3, s.retry().attempts());
        assertEquals(0, WorkerSettings.runtimeThreads(config(required())));
    }

    @Test
    void everyKeyIsRead() {
        Map<String, String> values = required();
        values.put("bitplan.internal-token", "secret");
        values.put("bitplan.cache-dir", "/var/cache/bitplan");
        values.put("bitplan.worker.id", "w-7");
        values.put("bitplan.worker.session-timeout-ms", "6000");
        values.put("bitplan.worker.max-attempts", "5");
        values.put("bitplan.worker.threads", "4");
        WorkerSettings s = WorkerSettings.fromConfig(config(values));
        assertEquals("secret", s.internalToken());
        assertEquals(Path.of("/var/cache/bitplan"), s.cacheDir());
        assertEquals("w-7", s.workerId());
        assertEquals(6000, s.sessionTimeoutMs());
        assertEquals(5, s.retry().attempts());
        assertEquals(4, WorkerSettings.runtimeThreads(config(values)));
    }

    @Test
    void aMissingRequiredKeyOrABadNumberIsNamed() {
        for (String key : new String[] {"bitplan.kafka.bootstrap", "bitplan.api.url"}) {
            Map<String, String> values = required();
            values.remove(key);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorkerSettings.fromConfig(config(values)));
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
        Map<String, String> values = required();
        values.put("bitplan.worker.max-attempts", "three");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorkerSettings.fromConfig(config(values)));
        assertEquals("bitplan.worker.max-attempts must be a whole number, not 'three'", e.getMessage());
    }
}
