package dev.bitplan.api.rest;

import static dev.bitplan.api.support.TestApi.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.api.support.TestApi;
import dev.bitplan.api.support.TestFiles;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Health (PostgreSQL and Kafka), the OpenAPI document, creates racing for one name, and the job event stream. */
@QuarkusTest
class ServiceEndpointsTest {

    @Test
    void readinessChecksPostgresAndKafka() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", org.hamcrest.Matchers.hasItems("kafka", "Database connections health check"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void openApiDescribesTheJobs() {
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/jobs/{id}/report"));
    }

    @Test
    void sameNameCreatedAtOnceGivesOneCreatedAndConflictsNeverAServerError() throws Exception {
        String tenant = "race-" + UUID.randomUUID().toString().substring(0, 8);
        assertOneCreatedRestConflicts(8, tenant, () -> given().header("Authorization", "Bearer " + TestApi.ADMIN)
                .contentType("application/json").body(Map.of("name", tenant)).post("/api/tenants"));
        String token = TestApi.newTenantToken();
        assertOneCreatedRestConflicts(4, "resnet8", () -> TestApi.uploadModel(token, "resnet8", TestFiles.mnistModel(), "m.onnx"));
    }

    /** Starts {@code callers} identical creates at once: one 201, the rest 409s naming {@code name}. */
    private static void assertOneCreatedRestConflicts(int callers, String name, Callable<Response> create) throws Exception {
        CyclicBarrier start = new CyclicBarrier(callers);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Response>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return create.call();
                }));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Response> call : calls) {
                Response r = call.get();
                statuses.add(r.statusCode());
                if (r.statusCode() == 409) {
                    assertTrue(r.asString().contains("'" + name + "'") && r.asString().contains("exists already"), r.asString());
                }
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(callers - 1, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eventStreamEndsWithTheTerminalState() {
        String[] t = TestApi.tenantWithMnist();
        String jobId = TestApi.submit(t[0], TestApi.smallJob(t[1], t[2], "{}")).then().statusCode(202).extract().path("id");
        as(t[0]).delete("/api/jobs/" + jobId).then().statusCode(202);
        String stream = as(t[0]).accept("text/event-stream").get("/api/jobs/" + jobId + "/events").then().statusCode(200)
                .extract().asString();
        assertTrue(stream.contains("data:") && stream.contains("\"state\":\"CANCELLED\""), stream);
        as(TestApi.newTenantToken()).accept("text/event-stream").get("/api/jobs/" + jobId + "/events").then().statusCode(404);
    }

    @Test
    void manyFollowersShareOnePollerAndAllSeeTheEnd() throws Exception {
        String[] t = TestApi.tenantWithMnist();
        String jobId = TestApi.submit(t[0], TestApi.smallJob(t[1], t[2], "{}")).then().statusCode(202).extract().path("id");
        int followers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(followers);
        try {
            List<Future<String>> streams = new ArrayList<>();
            for (int i = 0; i < followers; i++) {
                streams.add(pool.submit(() -> as(t[0]).accept("text/event-stream").get("/api/jobs/" + jobId + "/events").then()
                        .statusCode(200).extract().asString()));
            }
            Thread.sleep(1000); // all streams open
            long pollers = Thread.getAllStackTraces().keySet().stream().filter(th -> th.getName().startsWith("bitplan-sse")).count();
            assertEquals(1, pollers, "one poller thread for all followers");
            as(t[0]).delete("/api/jobs/" + jobId).then().statusCode(202);
            for (Future<String> stream : streams) {
                String body = stream.get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(body.contains("\"state\":\"CANCELLED\""), body);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
