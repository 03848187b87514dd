package dev.bitplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpServer;
import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.messaging.JobEvent;
import dev.bitplan.contracts.messaging.Topics;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchSpace;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The nightly re-search on the real local stack (embedded PostgreSQL, in-JVM Kafka, the packaged api, a search worker
 * and an evaluator): a watched MNIST ResNet-8 gets new versions with only its last layer's weights changed, one uploaded,
 * one found at its source URI; each nightly job measures that layer alone (the workers' events say so) and reuses the
 * other nine layers' sensitivity and latency; a harmless change is no regression, negated weights are one, flagged in
 * the history and on the model page (headless Chromium) and posted to the webhook once. Two triggers at once submit one
 * job; an unchanged source does nothing.
 */
class NightlyEndToEndTest {

    private static final Path SAMPLES = StackLayout.repoRoot().resolve("samples/mnist");
    private static final String LAST_LAYER = "/fc/Gemm";

    @TempDir
    static Path dir;
    private static LocalStack stack;
    private static JobClient client;
    private static ApiClient admin;
    private static HttpServer webhook;
    private static final List<String> posted = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        stack = LocalStack.start(StackLayout.repoRoot(), new LocalStack.Settings(dir.resolve("stack"), 0, 0, 0, 1, 1, Duration.ofSeconds(180),
                Duration.ofSeconds(10), false), System.err::println);
        client = new JobClient(new ApiClient(stack.url(), LocalTenant.ensure(stack, dir.resolve("stack"), System.err)));
        admin = new ApiClient(stack.url(), stack.secrets().adminToken());
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", exchange -> {
            posted.add(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
    }

    @AfterAll
    static void stop() {
        if (webhook != null) {
            webhook.stop(0);
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aNewVersionIsReSearchedMeasuringOnlyTheChangedLayerAndARegressionIsFlaggedAndPosted() throws Exception {
        long t0 = System.nanoTime();
        ApiClient api = client.api();
        String v1 = client.uploadModel(SAMPLES.resolve("resnet8_bn.onnx"), "digits").path("versionId").asText();
        String data = client.uploadDataset(SAMPLES.resolve("mnist_test.npz"), "digits-test").path("id").asText();
        JobSpec spec = new JobSpec(null, null, new SearchBudgets(null, 0.3, null, null, null, null),
                new SearchSpace(List.of(4, 8), List.of(8), false, false, false), null, 2, 0L, 64, 64, 3, null);
        String first = client.submit(v1, data, null, spec).path("id").asText();

        // watch settings are checked field by field while the first search runs
        assertBadField(() -> api.putJson("/api/models/digits/watch", Map.of("sourceUri", "ftp://host/m.onnx")), "sourceUri", "scheme 'ftp'");
        assertBadField(() -> api.putJson("/api/models/digits/watch", Map.of("sourceUri", "file:relative.onnx")), "sourceUri", "absolute");
        assertBadField(() -> api.putJson("/api/models/digits/watch", Map.of("webhookUrl", "file:///tmp/hook")), "webhookUrl", "scheme 'file'");
        assertBadField(() -> api.putJson("/api/models/digits/watch", Map.of("webhookUrl", "http:///hook")), "webhookUrl", "names no host");
        assertBadField(() -> api.putJson("/api/models/digits/watch", Map.of("onNewVersion", "sometimes")), "onNewVersion", "onNewVersion");
        assertBadField(() -> api.putJson("/api/models/digits/watch", Map.of("source", "file:///m.onnx")), "source", "known fields here");
        assertEquals(401, assertThrows(ApiException.class, () -> api.postJson("/api/nightly/run", Map.of())).status(), "admin only");
        String hook = "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook";
        JsonNode watch = api.putJson("/api/models/digits/watch", Map.of("webhookUrl", hook));
        assertTrue(watch.path("onNewVersion").asBoolean() && watch.path("enabled").asBoolean(), watch.toString());
        assertEquals("DONE", client.await(first, System.err, 300_000).path("state").asText());
        assertEquals(0, admin.postJson("/api/nightly/run", Map.of()).path("submitted").size(), "no new version: nothing to do");

        // v2: one weight of the last layer nudged by a millionth: a new digest for that layer only, the same accuracy
        ModelProto base = ModelProto.parseFrom(Files.readAllBytes(SAMPLES.resolve("resnet8_bn.onnx")));
        Path nudged = dir.resolve("digits-v2.onnx");
        Files.write(nudged, withLastLayerWeights(base, w -> {
            w[0] *= 1.000001f;
            return w;
        }).toByteArray());
        client.api().upload("/api/models/digits/versions", nudged);
        JsonNode run = admin.postJson("/api/nightly/run", Map.of());
        assertEquals(1, run.path("submitted").size(), run.toString());
        JsonNode second = run.path("submitted").get(0);
        assertEquals(List.of(LAST_LAYER), names(second.path("remeasuredLayers")));
        assertEquals(9, second.path("reusedLayers").size());
        assertEquals(first, second.path("previousJobId").asText());
        String secondId = second.path("jobId").asText();
        assertEquals("DONE", client.await(secondId, System.err, 300_000).path("state").asText());
        assertEquals(List.of(LAST_LAYER), measuredByWorkers(secondId), "the worker measured the changed layer only");
        assertEquals(10, api.get("/api/jobs/" + secondId + "/sensitivity").size());
        assertFalse(api.get("/api/jobs/" + secondId + "/pareto").isEmpty(), "the new front is stored");
        JsonNode report = api.get("/api/jobs/" + secondId + "/report");
        assertTrue(report.path("notes").toString().contains("reused"), report.path("notes").toString());
        assertEquals(latency(api.get("/api/jobs/" + first + "/report"), "/stem/stem.0/Conv"), latency(report, "/stem/stem.0/Conv"),
                "an unchanged layer's latency entries are the stored ones");
        JsonNode harmless = entry(api.get("/api/models/digits/history"), secondId);
        assertTrue(harmless.path("nightly").asBoolean());
        assertFalse(harmless.path("regression").asBoolean(), harmless.toString());

        // v3 at the watched source: the last layer's weights negated, which wrecks accuracy
        Path source = dir.resolve("source/digits.onnx");
        Files.createDirectories(source.getParent());
        Files.write(source, withLastLayerWeights(base, w -> {
            for (int i = 0; i < w.length; i++) {
                w[i] = -w[i];
            }
            return w;
        }).toByteArray());
        api.putJson("/api/models/digits/watch", Map.of("sourceUri", source.toUri().toString(), "webhookUrl", hook));
        // two triggers at once (two api instances at 02:00): one run submits, the other finds the lock taken or nothing new
        CompletableFuture<JsonNode> a = CompletableFuture.supplyAsync(() -> admin.postJson("/api/nightly/run", Map.of()));
        CompletableFuture<JsonNode> b = CompletableFuture.supplyAsync(() -> admin.postJson("/api/nightly/run", Map.of()));
        List<JsonNode> submitted = new ArrayList<>();
        a.get().path("submitted").forEach(submitted::add);
        b.get().path("submitted").forEach(submitted::add);
        assertEquals(1, submitted.size(), a.get() + " / " + b.get());
        assertEquals(3, api.get("/api/models/digits").path("versions").size(), "the source's bytes became version 3, once");
        JsonNode third = submitted.get(0);
        assertEquals(3, third.path("version").asInt());
        assertEquals(List.of(LAST_LAYER), names(third.path("remeasuredLayers")));
        String thirdId = third.path("jobId").asText();
        assertEquals("DONE", client.await(thirdId, System.err, 300_000).path("state").asText());
        assertEquals(List.of(LAST_LAYER), measuredByWorkers(thirdId));
        JsonNode regressed = entry(api.get("/api/models/digits/history"), thirdId);
        assertTrue(regressed.path("regression").asBoolean(), regressed.toString());
        assertTrue(regressed.path("previousMetric").asDouble() - regressed.path("bestMetric").asDouble() > 0.005, regressed.toString());

        // the webhook got one JSON POST, for the regression only
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (posted.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(1, posted.size(), "webhook: " + entry(api.get("/api/models/digits/history"), thirdId).path("webhookStatus"));
        JsonNode body = Json.mapper().readTree(posted.get(0));
        assertEquals("nightly.regression", body.path("event").asText());
        assertEquals("digits", body.path("model").asText());
        assertEquals(3, body.path("version").asInt());
        assertEquals(2, body.path("previousVersion").asInt());
        assertEquals(thirdId, body.path("jobId").asText());
        assertEquals(secondId, body.path("previousJobId").asText());
        assertEquals("accuracy", body.path("metricName").asText());
        assertTrue(body.path("drop").asDouble() > 0.005 && body.path("threshold").asDouble() == 0.005, body.toString());
        assertEquals(9, body.path("reusedLayers").size());
        assertEquals(0.3, body.at("/budgets/maxSizeRatio").asDouble());

        // the model page lists the nightly regression
        WebDriver browser = DashboardBrowserTest.chromium(dir.resolve("chromium"));
        try {
            browser.get(stack.url() + "/models/digits");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            wait.until(d -> d.findElement(By.id("login")).isDisplayed());
            browser.findElement(By.id("token")).sendKeys(LocalTenant.ensure(stack, dir.resolve("stack"), System.err));
            browser.findElement(By.cssSelector("#login button")).click();
            wait.until(d -> d.findElements(By.cssSelector("#versions tbody tr")).size() == 3);
            String shown = wait.until(d -> d.findElements(By.cssSelector("#regressions li")).stream().map(WebElement::getText)
                    .filter(t -> t.contains("nightly v3")).findFirst().orElse(null));
            assertTrue(shown.contains(LAST_LAYER), shown);
        } finally {
            browser.quit();
        }

        // the source unchanged (even rewritten with the same bytes): nothing new
        Files.write(source, Files.readAllBytes(source));
        JsonNode quiet = admin.postJson("/api/nightly/run", Map.of());
        assertEquals(0, quiet.path("submitted").size(), quiet.toString());
        assertEquals(3, api.get("/api/models/digits").path("versions").size());
        assertTrue(api.get("/api/models/digits/watch").hasNonNull("sourceCheckedAt"));
        System.err.printf("nightly end-to-end: %.1f s (three searches, two of them nightly)%n", (System.nanoTime() - t0) / 1e9);
    }

    private static void assertBadField(org.junit.jupiter.api.function.Executable call, String field, String inMessage) {
        ApiException e = assertThrows(ApiException.class, call);
        assertEquals(400, e.status(), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().contains(inMessage), e.getMessage());
    }

    /** The layers the workers measured for this job (their LayerMeasured events; reused ones are never sent). */
    private static List<String> measuredByWorkers(String jobId) {
        return TopicRecords.read("localhost:" + stack.kafkaPort(), Topics.JOB_EVENTS, JobEvent.class,
                e -> e instanceof JobEvent.LayerMeasured m && jobId.equals(m.jobId())).stream()
                .map(e -> ((JobEvent.LayerMeasured) e).layer().layer()).distinct().toList();
    }

    private static JsonNode entry(JsonNode history, String jobId) {
        for (JsonNode e : history.path("entries")) {
            if (e.path("jobId").asText().equals(jobId)) {
                return e;
            }
        }
        throw new AssertionError("job " + jobId + " is not in the history " + history);
    }

    private static Map<String, Double> latency(JsonNode report, String layer) {
        Map<String, Double> out = new HashMap<>();
        for (JsonNode l : report.path("layers")) {
            if (l.path("name").asText().equals(layer)) {
                l.path("options").forEach(o -> out.put(o.path("label").asText(), o.path("latencyMs").asDouble()));
            }
        }
        return out;
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The model with the weights of its last layer (the Gemm) edited in place, with the ONNX protobuf classes. */
    private static ModelProto withLastLayerWeights(ModelProto model, UnaryOperator<float[]> edit) {
        NodeProto gemm = model.getGraph().getNodeList().stream().filter(n -> n.getName().equals(LAST_LAYER)).findFirst().orElseThrow();
        String weight = gemm.getInput(1);
        ModelProto.Builder b = model.toBuilder();
        for (int i = 0; i < b.getGraph().getInitializerCount(); i++) {
            TensorProto t = b.getGraph().getInitializer(i);
            if (t.getName().equals(weight)) {
                float[] w = floats(t);
                float[] edited = edit.apply(w);
                ByteBuffer raw = ByteBuffer.allocate(edited.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                raw.asFloatBuffer().put(edited);
                b.getGraphBuilder().setInitializer(i, t.toBuilder().clearFloatData().setRawData(ByteString.copyFrom(raw.array())));
                return b.build();
            }
        }
        throw new AssertionError("no initializer " + weight);
    }

    private static float[] floats(TensorProto t) {
        if (!t.getRawData().isEmpty()) {
            float[] out = new float[t.getRawData().size() / 4];
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
        float[] out = new float[t.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }
}
