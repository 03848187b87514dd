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
 * A JDK HTTP server standing in for the api's internal endpoints (blobs by sha256, job status, chunked uploads). Like
 * the api it answers 401 to a missing or wrong {@link #TOKEN}, 404 to an unknown blob or job, and stores an upload
 * only when its chunks hash to its address. Its chunks are small ({@link #CHUNK_BYTES}), so uploads take several.
 */
public final class FakeApi implements AutoCloseable {

    public static final String TOKEN = "test-internal-token";

    private final HttpServer server;
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, String> jobs = new ConcurrentHashMap<>();
    /** Job id -> the record that took up its search, as the api keeps it in {@code jobs.search_record}. */
    private final Map<String, String> searchClaims = new ConcurrentHashMap<>();
    private final AtomicInteger blobRequests = new AtomicInteger();
    public static final int CHUNK_BYTES = 64 * 1024;
    private final Map<String, Map<Integer, byte[]>> uploads = new ConcurrentHashMap<>();
    private final Map<String, Long> uploadSizes = new ConcurrentHashMap<>();
    private final AtomicInteger chunksReceived = new AtomicInteger();

    public FakeApi() throws IOException {
        this(0);
    }

    /** On a given port (0: any free one), e.g. to come up only after a client started calling it. */
    public FakeApi(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("localhost", port), 0);
        server.createContext("/internal/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = null;
            int status;
            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                status = 401;
            } else {
                if (path.startsWith("/internal/uploads/")) {
                    byte[] answer = upload(exchange.getRequestMethod(), path.substring("/internal/uploads/".length()),
                            exchange.getRequestBody().readAllBytes());
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    status = answer[0] == '!' ? 409 : 200;
                    body = answer[0] == '!' ? java.util.Arrays.copyOfRange(answer, 1, answer.length) : answer;
                } else if (path.startsWith("/internal/jobs/") && path.endsWith("/search-claim")) {
                    String id = path.substring("/internal/jobs/".length(), path.length() - "/search-claim".length());
                    String record = Json.mapper().readTree(exchange.getRequestBody().readAllBytes()).path("record").asText();
                    body = jobs.containsKey(id) ? toBytes(Json.write(Map.of("record", searchClaims.computeIfAbsent(id, k -> record)))) : null;
                } else if (path.startsWith("/internal/blobs/")) {
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

    /** The upload protocol of the api's BlobUploadResource, kept in memory; an answer starting with '!' is a 409. */
    private synchronized byte[] upload(String method, String rest, byte[] body) throws IOException {
        String[] parts = rest.split("/");
        String sha = parts[0];
        if (parts.length == 1 && method.equals("POST")) {
            uploadSizes.putIfAbsent(sha, Json.mapper().readTree(body).path("sizeBytes").asLong());
            uploads.putIfAbsent(sha, new ConcurrentHashMap<>());
        } else if (parts.length == 3 && parts[1].equals("chunks")) {
            uploads.get(sha).put(Integer.parseInt(parts[2]), body);
            chunksReceived.incrementAndGet();
        } else if (parts.length == 2 && parts[1].equals("complete") && !blobs.containsKey(sha)) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            new java.util.TreeMap<>(uploads.get(sha)).values().forEach(all::writeBytes);
            if (!Sha256.of(all.toByteArray()).equals(sha)) {
                uploads.remove(sha);
                return toBytes("!{\"detail\":\"digest mismatch\"}");
            }
            blobs.put(sha, all.toByteArray());
            uploads.remove(sha);
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("sha256", sha);
        status.put("chunkBytes", CHUNK_BYTES);
        status.put("stored", blobs.containsKey(sha));
        status.put("received", blobs.containsKey(sha) || !uploads.containsKey(sha) ? List.of() : List.copyOf(uploads.get(sha).keySet()));
        return toBytes(Json.write(status));
    }

    /** A file stored here by sha256, uploaded or served; null when absent. */
    public byte[] stored(String sha256) {
        return blobs.get(sha256);
    }

    /** How many upload chunks arrived, so a test sees a repeated upload send nothing. */
    public int chunksReceived() {
        return chunksReceived.get();
    }

    private static byte[] toBytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
