package dev.bitplan.messaging.testing;

import com.sun.net.httpserver.HttpServer;
import dev.bitplan.contracts.blob.Sha256;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.search.LayerSensitivity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK HTTP server standing in for the api's two internal endpoints (blobs by sha256, job status). Like the api it
 * answers 401 to a missing or wrong {@link #TOKEN} and 404 to an unknown blob or job.
 */
public final class FakeApi implements AutoCloseable {

    public static final String TOKEN = "test-internal-token";

    private final HttpServer server;
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, String> jobs = new ConcurrentHashMap<>();
    private final AtomicInteger blobRequests = new AtomicInteger();

    public FakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/internal/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = null;
            int status;
            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                status = 401;
            } else {
                if (path.startsWith("/internal/blobs/")) {
                    blobRequests.incrementAndGet();
                    body = blobs.get(path.substring("/internal/blobs/".length()));
                } else {
                    body = toBytes(jobs.get(path.substring("/internal/jobs/".length())));
                }
                status = body == null ? 404 : 200;
            }
            exchange.sendResponseHeaders(status, body == null ? -1 : body.length);
            if (body != null) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** Serves a file's bytes under their sha256, which it returns. */
    public String blob(Path file) {
        try {
            return blob(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String blob(byte[] bytes) {
        String sha = Sha256.of(bytes);
        blobs.put(sha, bytes);
        return sha;
    }

    /** Serves {@code bytes} under {@code sha256} whether or not they hash to it (a download corrupted on the way). */
    public void blob(String sha256, byte[] bytes) {
        blobs.put(sha256, bytes);
    }

    /** How many blob downloads were asked for, so a test sees cache hits. */
    public int blobRequests() {
        return blobRequests.get();
    }

    public void job(String id, JobState state, List<LayerSensitivity> sensitivity) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("state", state.name());
        json.put("sensitivity", sensitivity);
        job(id, Json.write(json));
    }

    /** Answers a job's status with this JSON as it stands. */
    public void job(String id, String json) {
        jobs.put(id, json);
    }

    private static byte[] toBytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
