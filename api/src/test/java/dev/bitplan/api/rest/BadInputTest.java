package dev.bitplan.api.rest;

import static dev.bitplan.api.support.TestApi.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.api.support.TestApi;
import dev.bitplan.api.support.TestFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bad inputs, each with the status and a fragment of the message it must get; the table is also written to
 * {@code target/bad-inputs.md} for the README.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {

    /** What a request got back. */
    record Outcome(int status, String body) {
    }

    record Row(String input, Supplier<Outcome> call, int status, String fragment) {
    }

    private String token;
    private String version;
    private String dataset;

    private void tenant() {
        String[] t = TestApi.tenantWithMnist();
        token = t[0];
        version = t[1];
        dataset = t[2];
    }

    @Test
    void everyBadInputGetsAClearStatusAndMessage() throws IOException {
        tenant();
        byte[] model = TestFiles.mnistModel();
        List<Row> rows = List.of(
                row("truncated ONNX file", () -> model("cut.onnx", TestFiles.truncated(model)), 422, "truncated ONNX file"),
                row("a JPEG named .onnx", () -> model("photo.onnx", TestFiles.jpeg()), 415, "not an ONNX model"),
                row("ONNX with external data pointing at /etc/passwd", () -> model("ext.onnx", TestFiles.externalData("/etc/passwd")), 422, "/etc/passwd"),
                row("ONNX with a custom op domain", () -> model("custom.onnx", TestFiles.customDomain()), 422, "com.example.custom"),
                row("empty model file", () -> model("empty.onnx", new byte[0]), 415, "empty"),
                row("model name already taken", () -> of(TestApi.uploadModel(token, "resnet8", model, "again.onnx")), 409, "exists already"),
                row("model upload without the file part", () -> of(as(token).multiPart("name", "x").post("/api/models")), 400, "'file'"),
                row("NPZ with an object array", () -> data("objects.npz", TestFiles.objectArray()), 422, "dtype=object"),
                row("NPZ zip bomb (64 MiB of zeros in a small zip)", () -> data("bomb.npz", TestFiles.zipBomb(64L << 20)), 422, "more than"),
                row("NaN-only data", () -> data("nan.npz", TestFiles.floats("input", new long[] {20, 1, 28, 28}, Float.NaN)), 422, "only NaN"),
                row("a text file as dataset", () -> data("notes.npz", "hello".getBytes(StandardCharsets.UTF_8)), 415, "neither an .npz"),
                row("dataset shapes that do not fit the model (at submit)", this::wrongShapes, 422, "expects samples of shape"),
                row("negative budget", () -> job("{\"maxSizeBytes\":-5}"), 400, "spec.budgets.maxSizeBytes"),
                row("both maxSizeBytes and maxSizeRatio", () -> job("{\"maxSizeBytes\":100000,\"maxSizeRatio\":0.5}"), 400, "not both"),
                row("infeasible size budget", () -> job("{\"maxSizeBytes\":500}"), 422, "spec.budgets"),
                row("method qat without trainData", () -> jobWith("\"method\":\"qat\""), 422, "method qat needs spec.trainData"),
                row("trainData with method ptq", () -> jobWith("\"trainData\":\"" + dataset + "\""), 422,
                        "spec.trainData is read only by method qat"),
                row("qatLearnRanges with method ptq", () -> jobWith("\"qatLearnRanges\":true"), 422,
                        "spec.qatLearnRanges is read only by method qat"),
                row("an unknown trainData dataset", () -> jobWith("\"method\":\"qat\",\"trainData\":\"nope\""), 404, "dataset 'nope'"),
                row("both qatSteps and qatEpochs", () -> jobWith("\"method\":\"qat\",\"qatSteps\":5,\"qatEpochs\":1"), 400,
                        "give qatSteps or qatEpochs, not both"),
                row("qatSteps of 0", () -> jobWith("\"method\":\"qat\",\"qatSteps\":0"), 400, "spec.qatSteps"),
                row("unknown metric", () -> submit("{\"modelVersionId\":\"" + version + "\",\"datasetId\":\"" + dataset
                        + "\",\"spec\":{\"metric\":\"f1\"}}"), 400, "unknown metric 'f1'"),
                row("a per-token metric for a model without attention_mask", () -> submit("{\"modelVersionId\":\"" + version
                        + "\",\"datasetId\":\"" + dataset + "\",\"spec\":{\"metric\":\"sentence-cosine\"}}"), 422,
                        "metric 'sentence-cosine' needs a token model"),
                row("unknown simulation", () -> submit("{\"modelVersionId\":\"" + version + "\",\"datasetId\":\"" + dataset
                        + "\",\"spec\":{\"quantization\":{\"simulation\":\"exact\"}}}"), 400, "spec.quantization.simulation: 'exact' is not one of"),
                row("unknown field in the job JSON", () -> submit("{\"modelVersionId\":\"" + version + "\",\"datasetId\":\"" + dataset
                        + "\",\"spec\":{\"budget\":{}}}"), 400, "spec.budget"),
                row("malformed JSON", () -> submit("{\"modelVersionId\": "), 400, "malformed JSON"),
                row("unknown dataset id", () -> submit("{\"modelVersionId\":\"" + version + "\",\"datasetId\":\"nope\"}"), 404, "dataset 'nope'"),
                row("more samples asked than the dataset has", () -> submit("{\"modelVersionId\":\"" + version + "\",\"datasetId\":\""
                        + dataset + "\"}"), 422, "samples"),
                row("missing token", () -> of(RestAssured.given().get("/api/models")), 401, "missing Authorization"),
                row("unknown token", () -> of(as("bp_nope").get("/api/models")), 401, "unknown API token"),
                row("tenant token on an admin endpoint", () -> of(as(token).contentType("application/json").body("{\"name\":\"x\"}")
                        .post("/api/tenants")), 401, "admin token"),
                row("another tenant's job id", this::foreignJob, 404, "no job"),
                row("a 2 GB upload beyond the limit (declared Content-Length, no body)", this::hugeDeclaredUpload, 413, "bitplan.limits.model-bytes"),
                row("a cancelled job's report", this::cancelledReport, 409, "CANCELLED"));

        List<String> failures = new ArrayList<>();
        StringBuilder md = new StringBuilder("| bad input | status | message |\n|---|---|---|\n");
        for (Row r : rows) {
            Outcome o = r.call().get();
            String detail = detail(o.body());
            md.append("| ").append(r.input()).append(" | ").append(o.status()).append(" | ").append(detail.replace("|", "\\|")).append(" |\n");
            if (o.status() != r.status() || !o.body().contains(r.fragment())) {
                failures.add(r.input() + ": expected " + r.status() + " with '" + r.fragment() + "', got " + o.status() + " " + o.body());
            }
            if (o.status() >= 400 && !o.body().contains("\"status\":" + o.status()) && !o.body().contains("\"status\" : " + o.status())) {
                failures.add(r.input() + ": not a problem+json body: " + o.body());
            }
        }
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/bad-inputs.md"), md);
        assertTrue(rows.size() >= 15);
        assertEquals(List.of(), failures, md.toString());
    }

    private static Row row(String input, Supplier<Outcome> call, int status, String fragment) {
        return new Row(input, call, status, fragment);
    }

    private static Outcome of(Response r) {
        return new Outcome(r.statusCode(), r.body().asString());
    }

    private Outcome model(String fileName, byte[] bytes) {
        return of(TestApi.uploadModel(token, "m-" + System.nanoTime(), bytes, fileName));
    }

    private Outcome data(String fileName, byte[] bytes) {
        return of(TestApi.uploadDataset(token, "d-" + System.nanoTime(), bytes, fileName));
    }

    private Outcome submit(String json) {
        return of(TestApi.submit(token, json));
    }

    /** A small job whose spec also holds these fields (JSON members, without braces). */
    private Outcome jobWith(String specFields) {
        return submit("{\"modelVersionId\":\"" + version + "\",\"datasetId\":\"" + dataset + "\",\"spec\":{\"candidates\":3,"
                + "\"seed\":7,\"calibrationSamples\":32,\"sensitivitySamples\":32," + specFields + "}}");
    }

    private Outcome job(String budgets) {
        return submit(TestApi.smallJob(version, dataset, budgets));
    }

    private Outcome wrongShapes() {
        String small = TestApi.uploadDataset(token, "small", TestFiles.floats("input", new long[] {80, 1, 14, 14}, 0.5f), "small.npz")
                .then().statusCode(201).extract().path("id");
        return of(TestApi.submit(token, TestApi.smallJob(version, small, "{}")));
    }

    private Outcome foreignJob() {
        String[] other = TestApi.tenantWithMnist();
        String jobId = TestApi.submit(other[0], TestApi.smallJob(other[1], other[2], "{}")).then().statusCode(202).extract().path("id");
        return of(as(token).get("/api/jobs/" + jobId));
    }

    private Outcome cancelledReport() {
        String jobId = TestApi.submit(token, TestApi.smallJob(version, dataset, "{}")).then().statusCode(202).extract().path("id");
        as(token).delete("/api/jobs/" + jobId).then().statusCode(202);
        return of(as(token).get("/api/jobs/" + jobId + "/report"));
    }

    /** Declares 2 GB and sends almost nothing: the answer must come at once, without waiting for the body. */
    private Outcome hugeDeclaredUpload() {
        try (Socket s = new Socket("localhost", RestAssured.port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/models HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token + "\r\n"
                    + "Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 2147483648\r\n\r\n--xyz\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(answer.substring(9, 12));
            return new Outcome(status, answer.substring(answer.indexOf("\r\n\r\n") + 4));
        } catch (IOException e) {
            throw new AssertionError("no answer to the 2 GB upload: " + e, e);
        }
    }

    private static String detail(String body) {
        int i = body.indexOf("\"detail\"");
        if (i < 0) {
            return body.length() > 120 ? body.substring(0, 120) : body;
        }
        int start = body.indexOf('"', body.indexOf(':', i) + 1) + 1;
        int end = start;
        while (end < body.length() && !(body.charAt(end) == '"' && body.charAt(end - 1) != '\\')) {
            end++;
        }
        return body.substring(start, end);
    }
}
