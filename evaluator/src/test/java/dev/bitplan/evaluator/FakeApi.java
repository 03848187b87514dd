package dev.bitplan.evaluator;

import com.sun.net.httpserver.HttpServer;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.search.LayerSensitivity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A JDK HTTP server standing in for the api's two internal endpoints (blobs by sha256, job status), serving real files. */
final class FakeApi implements AutoCloseable {

    static final String TOKEN = "test-internal-token";

    private final HttpServer server;
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, String> jobs = new ConcurrentHashMap<>();

    FakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/internal/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = null;
            if (("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                body = path.startsWith("/internal/blobs/") ? blobs.get(path.substring("/internal/blobs/".length()))
                        : toBytes(jobs.get(path.substring("/internal/jobs/".length())));
            }
            int status = body == null ? (exchange.getRequestHeaders().containsKey("Authorization") ? 404 : 401) : 200;
            exchange.sendResponseHeaders(status, body == null ? -1 : body.length);
            if (body != null) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** Serves a file's bytes under their sha256, which it returns. */
    String blob(Path file) {
        try {
            return blob(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String blob(byte[] bytes) {
        String sha = sha256(bytes);
        blobs.put(sha, bytes);
        return sha;
    }

    void job(String id, JobState state, List<LayerSensitivity> sensitivity) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("state", state.name());
        json.put("sensitivity", sensitivity);
        jobs.put(id, Json.write(json));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] toBytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
