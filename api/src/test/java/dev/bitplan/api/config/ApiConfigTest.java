package dev.bitplan.api.config;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.config.ConfigKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The api's typed settings in an environment it shares with workers: their {@code bitplan.*} keys, which the api's
 * mapping does not map, do not stop the api from starting, and a blank token counts as unset.
 */
@QuarkusTest
@TestProfile(ApiConfigTest.SharedEnvironment.class)
class ApiConfigTest {

    /** Workers' keys (and one nobody reads) beside the api's, a blank admin token and a model limit of 1234 bytes. */
    public static class SharedEnvironment implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    ConfigKeys.API_URL, "http://api:8080",
                    ConfigKeys.CACHE_DIR, "/tmp/bitplan-cache",
                    ConfigKeys.WORKER_ID, "worker-1",
                    ConfigKeys.WORKER_SESSION_TIMEOUT_MS, "10000",
                    ConfigKeys.WORKER_THREADS, "2",
                    "bitplan.read-by-nobody", "x",
                    ConfigKeys.ADMIN_TOKEN, "   ",
                    ConfigKeys.LIMITS_MODEL_BYTES, "1234");
        }
    }

    @Inject
    ApiConfig config;

    @Test
    void startsBesideKeysItDoesNotMapAndReadsItsOwn() {
        given().get("/api/info").then().statusCode(200);
        assertEquals(1234L, config.limits().modelBytes());
        assertEquals(33554432L, config.limits().datasetBytes(), "the test profile's dataset limit");
        assertTrue(System.getProperty("bitplan.fixtures") != null, "surefire sets bitplan.fixtures, unmapped too");
    }

    @Test
    void aBlankTokenIsUnsetAndRefusesEveryCaller() {
        assertTrue(config.adminToken().isEmpty());
        assertEquals("test-internal-token", config.internalToken().orElseThrow());
        given().header("Authorization", "Bearer x").contentType("application/json").body(Map.of("name", "acme"))
                .post("/api/tenants").then().statusCode(401)
                .body("detail", equalTo("this endpoint needs the admin token (bitplan.admin-token); the token given is not it"));
    }
}
