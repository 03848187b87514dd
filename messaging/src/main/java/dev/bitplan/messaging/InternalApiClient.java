package dev.bitplan.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bitplan.contracts.config.ConfigKeys;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.search.LayerSensitivity;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The api's {@code /internal} endpoints (job status, blobs, uploads) as a worker calls them, with the internal token.
 * An api that cannot be reached (not listening, restarting, a proxy's 502-504) is waited out up to the outage limit
 * ({@link OutageWait}); only then does the call fail.
 */
public final class InternalApiClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration BLOB_TIMEOUT = Duration.ofMinutes(30);

    private final URI base;
    private final String token;
    private final HttpClient http;
    private final OutageWait outage;

    /** With the default outage limit ({@link OutageWait#DEFAULT_LIMIT}). */
    public InternalApiClient(String apiUrl, String token) {
        this(apiUrl, token, OutageWait.DEFAULT_LIMIT);
    }

    /**
     * @param apiUrl       e.g. {@code http://localhost:8080}
     * @param token        the api's {@link ConfigKeys#INTERNAL_TOKEN}
     * @param outageLimit  how long an unreachable api is waited for before a call fails
     */
    public InternalApiClient(String apiUrl, String token, Duration outageLimit) {
        if (apiUrl == null || apiUrl.isBlank()) {
            throw new IllegalArgumentException(ConfigKeys.API_URL + " is not set: workers fetch files and job state from the api");
        }
        this.base = URI.create(apiUrl.endsWith("/") ? apiUrl : apiUrl + "/");
        this.token = token == null ? "" : token;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.outage = new OutageWait("the api at " + base, outageLimit);
    }

    /** How this client waits out an unreachable api; callers that stream a response wrap the whole transfer in it. */
    public OutageWait outage() {
        return outage;
    }

    public URI baseUrl() {
        return base;
    }

    /** The job's state and stored sensitivity; empty when the api does not know the job (deleted, or never stored). */
    public Optional<JobStatus> jobStatus(String jobId) {
        HttpResponse<String> response = outage.run("read job " + jobId,
                () -> send(request("internal/jobs/" + jobId, STATUS_TIMEOUT), HttpResponse.BodyHandlers.ofString()));
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        requireOk(response.statusCode(), "job " + jobId, response.body());
        try {
            // read field by field: the api may add fields a worker does not need
            ObjectMapper mapper = Json.mapper();
            JsonNode root = mapper.readTree(response.body());
            List<LayerSensitivity> layers = new ArrayList<>();
            for (JsonNode layer : root.path("sensitivity")) {
                layers.add(mapper.treeToValue(layer, LayerSensitivity.class));
            }
            Map<String, Map<String, Double>> latency = new java.util.LinkedHashMap<>();
            root.path("latency").properties().forEach(layer -> layer.getValue().properties()
                    .forEach(o -> latency.computeIfAbsent(layer.getKey(), k -> new java.util.LinkedHashMap<>()).put(o.getKey(), o.getValue().asDouble())));
            String state = root.path("state").asText(null);
            return Optional.of(new JobStatus(root.path("id").asText(jobId), state == null ? null : JobState.valueOf(state), layers, latency));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("the api's answer for job " + jobId + " is not a job status: " + OutageWait.text(e), e);
        }
    }

    /**
     * Takes up a job's search for one Kafka record ({@link WorkContext#record()}). The first record to ask holds the
     * job for good, so its redelivery after a crash resumes; any other record (the outbox relay sent the request a
     * second time) is refused. Returns the record that holds the job: {@code record} itself when this one may run.
     * Empty when the api does not know the job.
     */
    public Optional<String> claimSearch(String jobId, String record, String worker) {
        String json = Json.write(java.util.Map.of("record", record, "worker", worker));
        HttpResponse<String> response = outage.run("claim the search of job " + jobId, () -> send(builder("internal/jobs/" + jobId
                + "/search-claim", STATUS_TIMEOUT).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString()));
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        requireOk(response.statusCode(), "the search claim of job " + jobId, response.body());
        try {
            return Optional.of(Json.mapper().readTree(response.body()).path("record").asText());
        } catch (IOException e) {
            throw new IllegalStateException("the api's answer to the search claim of job " + jobId + " is not JSON: " + OutageWait.text(e), e);
        }
    }

    /** Opens a blob's bytes as a stream, without waiting out an outage (the caller does); the caller verifies and closes it. */
    InputStream blob(String sha256) {
        HttpResponse<InputStream> response = send(request("internal/blobs/" + sha256, BLOB_TIMEOUT), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() == 200) {
            return response.body();
        }
        String body;
        try (InputStream in = response.body()) {
            body = new String(in.readNBytes(2000), StandardCharsets.UTF_8);
        } catch (IOException e) {
            body = "";
        }
        if (response.statusCode() == 404) {
            throw new PermanentFailure("file " + sha256 + " is not stored at the api (" + base + "internal/blobs/... gave 404); upload it again");
        }
        requireOk(response.statusCode(), "file " + sha256, body);
        throw new IllegalStateException("unreachable");
    }

    /** An upload's status after {@code POST /internal/uploads/{sha}} (start or resume) or a chunk; see {@link BlobUploader}. */
    UploadStatus startUpload(String sha256, long sizeBytes, String mediaType) {
        String json = Json.write(java.util.Map.of("sizeBytes", sizeBytes, "mediaType", mediaType));
        return uploadCall("start the upload of " + sha256, builder("internal/uploads/" + sha256, STATUS_TIMEOUT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    UploadStatus putChunk(String sha256, int seq, byte[] data, int offset, int length, String chunkSha256) {
        return uploadCall("send chunk " + seq + " of " + sha256, builder("internal/uploads/" + sha256 + "/chunks/" + seq, BLOB_TIMEOUT)
                .header("Content-Type", "application/octet-stream").header("X-Chunk-SHA256", chunkSha256)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data, offset, length)).build());
    }

    UploadStatus completeUpload(String sha256) {
        return uploadCall("complete the upload of " + sha256, builder("internal/uploads/" + sha256 + "/complete", BLOB_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** The api's answer about an upload. */
    record UploadStatus(int httpStatus, String problem, boolean stored, int chunkBytes, List<Integer> received) {
    }

    /** Sends an upload call, waiting out outages; a 4xx comes back as a status with the api's problem text, for the uploader to judge. */
    private UploadStatus uploadCall(String action, HttpRequest request) {
        HttpResponse<String> response = outage.run(action, () -> send(request, HttpResponse.BodyHandlers.ofString()));
        int status = response.statusCode();
        if (status / 100 == 4 && status != 401 && status != 403) {
            String detail;
            try {
                detail = Json.mapper().readTree(response.body()).path("detail").asText(response.body());
            } catch (IOException | RuntimeException e) {
                detail = response.body();
            }
            return new UploadStatus(status, detail, false, 0, List.of());
        }
        requireOk(status, action, response.body());
        try {
            JsonNode root = Json.mapper().readTree(response.body());
            List<Integer> received = new ArrayList<>();
            root.path("received").forEach(n -> received.add(n.asInt()));
            return new UploadStatus(status, null, root.path("stored").asBoolean(), root.path("chunkBytes").asInt(), received);
        } catch (IOException e) {
            throw new IllegalStateException("the api's answer to " + action + " is not an upload status: " + OutageWait.text(e), e);
        }
    }

    private HttpRequest request(String path, Duration timeout) {
        return builder(path, timeout).GET().build();
    }

    private HttpRequest.Builder builder(String path, Duration timeout) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).header("Authorization", "Bearer " + token);
    }

    /** One HTTP call; an api that does not answer (or a gateway that says it is away) is {@link OutageWait.Unreachable}. */
    private <B> HttpResponse<B> send(HttpRequest request, HttpResponse.BodyHandler<B> body) {
        try {
            HttpResponse<B> response = http.send(request, body);
            int status = response.statusCode();
            if (status == 502 || status == 503 || status == 504) {
                if (response.body() instanceof InputStream in) {
                    in.close();
                }
                throw new OutageWait.Unreachable("the api at " + base + " answered " + status + " (" + request.uri().getPath() + ")", null);
            }
            return response;
        } catch (IOException e) {
            throw new OutageWait.Unreachable("cannot reach the api at " + base + " (" + request.uri().getPath() + "): " + OutageWait.text(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkAbandonedException();
        }
    }

    /** Anything but 2xx is transient here (api restarting, overloaded) except where the caller decided otherwise. */
    private void requireOk(int status, String what, String body) {
        if (status == 401 || status == 403) {
            throw new IllegalStateException("the api refused the worker's internal token (" + status + ") for " + what
                    + "; give workers the api's " + ConfigKeys.INTERNAL_TOKEN + " (BITPLAN_INTERNAL_TOKEN)");
        }
        if (status / 100 != 2) {
            String excerpt = body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "..." : body;
            throw new IllegalStateException("the api answered " + status + " for " + what + ": " + excerpt);
        }
    }
}
