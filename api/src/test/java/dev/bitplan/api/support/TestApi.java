package dev.bitplan.api.support;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.UUID;

/** Calls the api as a client would: an admin makes tenants and tokens, tenants upload and submit. */
public final class TestApi {

    public static final String ADMIN = "test-admin-token";
    public static final String INTERNAL = "test-internal-token";

    private TestApi() {
    }

    /** A fresh tenant's token. */
    public static String newTenantToken() {
        String tenant = given().header("Authorization", "Bearer " + ADMIN).contentType("application/json")
                .body(Map.of("name", "t-" + UUID.randomUUID().toString().substring(0, 8)))
                .post("/api/tenants").then().statusCode(201).extract().path("id");
        return given().header("Authorization", "Bearer " + ADMIN).contentType("application/json").body(Map.of("name", "ci"))
                .post("/api/tenants/" + tenant + "/tokens").then().statusCode(201).extract().path("token");
    }

    public static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    public static Response uploadModel(String token, String name, byte[] bytes, String fileName) {
        return as(token).multiPart("file", fileName, bytes, "application/octet-stream").multiPart("name", name)
                .post("/api/models");
    }

    public static Response uploadDataset(String token, String name, byte[] bytes, String fileName) {
        return as(token).multiPart("file", fileName, bytes, "application/octet-stream").multiPart("name", name)
                .post("/api/datasets");
    }

    public static Response submit(String token, String json) {
        return as(token).contentType("application/json").body(json).post("/api/jobs");
    }

    /** Uploads a file through the workers' chunked upload endpoints, as an evaluator does, and returns its sha256. */
    public static String uploadBlob(byte[] bytes) {
        String sha = dev.bitplan.contracts.blob.Sha256.of(bytes);
        given().header("Authorization", "Bearer " + INTERNAL).contentType("application/json")
                .body(Map.of("sizeBytes", bytes.length, "mediaType", "application/onnx")).post("/internal/uploads/" + sha)
                .then().statusCode(200);
        int chunk = 1 << 20;
        for (int seq = 0; seq * chunk < bytes.length; seq++) {
            byte[] part = java.util.Arrays.copyOfRange(bytes, seq * chunk, Math.min(bytes.length, (seq + 1) * chunk));
            given().header("Authorization", "Bearer " + INTERNAL).contentType("application/octet-stream").body(part)
                    .put("/internal/uploads/" + sha + "/chunks/" + seq).then().statusCode(200);
        }
        given().header("Authorization", "Bearer " + INTERNAL).post("/internal/uploads/" + sha + "/complete").then().statusCode(200);
        return sha;
    }

    /** A small search on the MNIST model that the MNIST calibration file (256 samples) can feed. */
    public static String smallJob(String modelVersionId, String datasetId, String budgets) {
        return "{\"modelVersionId\":\"" + modelVersionId + "\",\"datasetId\":\"" + datasetId + "\",\"spec\":{\"method\":\"ptq\","
                + "\"budgets\":" + budgets + ",\"candidates\":3,\"seed\":7,\"calibrationSamples\":32,\"sensitivitySamples\":32}}";
    }

    /** A tenant with the MNIST model and calibration data uploaded: {token, modelVersionId, datasetId}. */
    public static String[] tenantWithMnist() {
        String token = newTenantToken();
        String version = uploadModel(token, "resnet8", TestFiles.mnistModel(), "resnet8_bn.onnx").then().statusCode(201)
                .extract().path("versionId");
        String dataset = uploadDataset(token, "calib", TestFiles.mnistCalib(), "mnist_calib.npz").then().statusCode(201)
                .extract().path("id");
        return new String[] {token, version, dataset};
    }
}
