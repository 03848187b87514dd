package dev.bitplan.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.config.ConfigKeys;
import org.junit.jupiter.api.Test;

/** The settings' own checks and defaults, for callers that build them without a config mapping (tests, tools). */
class WorkerSettingsTest {

    @Test
    void unsetOptionalValuesTakeTheirDefaults() {
        WorkerSettings s = WorkerSettings.of("kafka:9092", "http://api:8080", "", null, " ", 10_000, 3);
        assertEquals(WorkerSettings.defaultCacheDir(), s.cacheDir());
        assertTrue(s.workerId().endsWith("-" + ProcessHandle.current().pid()), s.workerId());
        assertEquals(new RetryPolicy(3, RetryPolicy.DEFAULT_FIRST_DELAY), s.retry());
    }

    @Test
    void aMissingBootstrapOrApiUrlIsNamedByItsKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WorkerSettings.of(" ", "http://api:8080", "", null, null, 10_000, 3));
        assertEquals(ConfigKeys.KAFKA_BOOTSTRAP + " (BITPLAN_KAFKA_BOOTSTRAP) is not set", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WorkerSettings.of("kafka:9092", null, "", null, null, 10_000, 3));
        assertEquals(ConfigKeys.API_URL + " (BITPLAN_API_URL) is not set", e.getMessage());
    }
}
