package dev.bitplan.api.rest;

import static dev.bitplan.api.support.TestApi.ADMIN;
import static dev.bitplan.api.support.TestApi.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.bitplan.api.service.NightlyService;
import dev.bitplan.api.support.TestApi;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The watch settings and history endpoints, and the nightly run's lock, on the real PostgreSQL. */
@QuarkusTest
class NightlyEndpointsTest {

    @Inject
    AgroalDataSource db;

    @Test
    void aRunWhileAnotherHoldsTheLockDoesNothingAndOneAfterItRuns() throws Exception {
        try (Connection other = db.getConnection()) {
            lock(other, "SELECT pg_advisory_lock(?)"); // as another api instance's run would hold it
            as(ADMIN).post("/api/nightly/run").then().statusCode(200).body("ran", equalTo(false)).body("submitted", hasSize(0));
            lock(other, "SELECT pg_advisory_unlock(?)");
        }
        as(ADMIN).post("/api/nightly/run").then().statusCode(200).body("ran", equalTo(true)).body("trigger", equalTo("api"));
        as(TestApi.newTenantToken()).post("/api/nightly/run").then().statusCode(401).body("detail", containsString("admin token"));
    }

    @Test
    void watchSettingsAreStoredCheckedAndPrivateToTheTenant() {
        String[] t = TestApi.tenantWithMnist();
        String token = t[0];
        as(token).get("/api/models/resnet8/watch").then().statusCode(200).body("watched", equalTo(false));
        as(token).contentType("application/json").body(Map.of("sourceUri", "file:///models/resnet8.onnx", "onNewVersion", false))
                .put("/api/models/resnet8/watch").then().statusCode(200).body("watched", equalTo(true)).body("enabled", equalTo(true))
                .body("onNewVersion", equalTo(false)).body("sourceUri", equalTo("file:///models/resnet8.onnx")).body("webhookUrl", nullValue());
        as(token).contentType("application/json").body(Map.of("webhookUrl", "ftp://hooks/x")).put("/api/models/resnet8/watch")
                .then().statusCode(400).body("field", equalTo("webhookUrl")).body("detail", containsString("scheme 'ftp'"));
        as(token).contentType("application/json").body(Map.of("enabled", "maybe")).put("/api/models/resnet8/watch")
                .then().statusCode(400).body("field", equalTo("enabled"));
        as(token).contentType("application/json").body("").put("/api/models/resnet8/watch")
                .then().statusCode(400).body("detail", containsString("send the watch settings as JSON"));
        as(token).get("/api/models/resnet8/watch").then().body("sourceUri", equalTo("file:///models/resnet8.onnx"));
        as(token).get("/api/models/resnet8/history").then().statusCode(200).body("model", equalTo("resnet8"))
                .body("entries", hasSize(0)).body("regressionThreshold", equalTo(0.005f));
        String other = TestApi.newTenantToken();
        as(other).get("/api/models/resnet8/watch").then().statusCode(404);
        as(other).contentType("application/json").body(Map.of()).put("/api/models/resnet8/watch").then().statusCode(404);
        as(other).get("/api/models/resnet8/history").then().statusCode(404);
    }

    private static void lock(Connection c, String sql) throws Exception {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, NightlyService.LOCK_KEY);
            s.executeQuery().close();
        }
    }
}
