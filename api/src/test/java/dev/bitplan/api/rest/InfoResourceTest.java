package dev.bitplan.api.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Starts the api and checks that {@code GET /api/info} answers with the service name. */
@QuarkusTest
class InfoResourceTest {

    @Test
    void infoNamesTheService() {
        given()
            .when().get("/api/info")
            .then()
            .statusCode(200)
            .body("name", equalTo("bitplan"))
            .body("version", equalTo("0.1.0"));
    }
}
