package dev.bitplan.api.rest;

import static dev.bitplan.api.support.TestApi.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.api.support.TestApi;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Health (PostgreSQL and Kafka), the OpenAPI document, and the job event stream. */
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
    void eventStreamEndsWithTheTerminalState() {
        String[] t = TestApi.tenantWithMnist();
        String jobId = TestApi.submit(t[0], TestApi.smallJob(t[1], t[2], "{}")).then().statusCode(202).extract().path("id");
        as(t[0]).delete("/api/jobs/" + jobId).then().statusCode(202);
        String stream = as(t[0]).accept("text/event-stream").get("/api/jobs/" + jobId + "/events").then().statusCode(200)
                .extract().asString();
        assertTrue(stream.contains("data:") && stream.contains("\"state\":\"CANCELLED\""), stream);
        as(TestApi.newTenantToken()).accept("text/event-stream").get("/api/jobs/" + jobId + "/events").then().statusCode(404);
    }
}
