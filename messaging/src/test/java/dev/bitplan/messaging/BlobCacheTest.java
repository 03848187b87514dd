package dev.bitplan.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.bitplan.contracts.job.JobState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BlobCache and ApiClient against a JDK HTTP server standing in for the api's internal endpoints. */
class BlobCacheTest {

    private static final String TOKEN = "internal-secret";

    @TempDir
    Path cacheDir;

    private HttpServer server;
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, String> jobs = new ConcurrentHashMap<>();
    private final AtomicInteger blobRequests = new AtomicInteger();
    private ApiClient api;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/internal/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            int status;
            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                status = 401;
                body = "{\"title\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);
            } else if (path.startsWith("/internal/blobs/")) {
                blobRequests.incrementAndGet();
                body = blobs.get(path.substring("/internal/blobs/".length()));
                status = body == null ? 404 : 200;
            } else {
                String job = jobs.get(path.substring("/internal/jobs/".length()));
                status = job == null ? 404 : 200;
                body = job == null ? new byte[0] : job.getBytes(StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(status, body == null || body.length == 0 ? -1 : body.length);
            if (body != null && body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        api = new ApiClient("http://localhost:" + server.getAddress().getPort(), TOKEN);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void fetchesVerifiesAndThenServesFromDisk() throws Exception {
        byte[] model = "not really onnx, but bytes".getBytes(StandardCharsets.UTF_8);
        String sha = sha256(model);
        blobs.put(sha, model);
        BlobCache cache = new BlobCache(api, cacheDir);

        Path file = cache.get(sha);
        assertEquals(cacheDir.resolve(sha), file);
        assertArrayEquals(model, Files.readAllBytes(file));
        assertEquals(file, cache.get(sha));
        assertEquals(1, blobRequests.get(), "second get is a cache hit");
        assertEquals(0, partFiles());
    }

    @Test
    void corruptedDownloadIsRefusedAndLeavesNothingBehind() throws Exception {
        String sha = sha256("the real bytes".getBytes(StandardCharsets.UTF_8));
        blobs.put(sha, "other bytes".getBytes(StandardCharsets.UTF_8));
        BlobCache cache = new BlobCache(api, cacheDir);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cache.get(sha));
        assertTrue(e.getMessage().contains("download was corrupted"), e.getMessage());
        assertFalse(Files.exists(cacheDir.resolve(sha)));
        assertEquals(0, partFiles());
    }

    @Test
    void missingBlobIsPermanentBadHashIsRefusedWrongTokenSaysWhatToSet() throws Exception {
        BlobCache cache = new BlobCache(api, cacheDir);
        assertThrows(PermanentFailure.class, () -> cache.get("0".repeat(64)));
        assertThrows(IllegalArgumentException.class, () -> cache.get("../../etc/passwd"));

        byte[] bytes = {1, 2, 3};
        blobs.put(sha256(bytes), bytes);
        BlobCache wrongToken = new BlobCache(new ApiClient(api.baseUrl().toString(), "nope"), cacheDir);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> wrongToken.get(sha256(bytes)));
        assertTrue(e.getMessage().contains("BITPLAN_INTERNAL_TOKEN"), e.getMessage());
    }

    @Test
    void jobStatusReadsStateAndStoredLayersAndIgnoresExtraFields() {
        jobs.put("j1", """
                {"id":"j1","state":"PROFILING","createdAt":"2026-01-01T00:00:00Z",
                 "sensitivity":[{"layer":"conv1","options":[]}]}""");
        JobStatus s = api.jobStatus("j1").orElseThrow();
        assertEquals(JobState.PROFILING, s.state());
        assertEquals("conv1", s.sensitivity().get(0).layer());
        assertTrue(api.jobStatus("unknown").isEmpty());
    }

    private long partFiles() throws IOException {
        try (Stream<Path> files = Files.list(cacheDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".part")).count();
        }
    }
}
