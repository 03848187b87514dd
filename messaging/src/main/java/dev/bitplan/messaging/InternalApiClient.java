package dev.bitplan.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bitplan.contracts.config.ConfigKeys;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.search.LayerSensitivity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The api's {@code /internal} endpoints (job status, blobs) as a worker calls them, with the internal token. */
public final class InternalApiClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration BLOB_TIMEOUT = Duration.ofMinutes(30);

    private final URI base;
    private final String token;
    private final HttpClient http;

    /**
     * @param apiUrl  e.g. {@code http://localhost:8080}
     * @param token   the api's {@link ConfigKeys#INTERNAL_TOKEN}
     */
    public InternalApiClient(String apiUrl, String token) {
        if (apiUrl == null || apiUrl.isBlank()) {
            throw new IllegalArgumentException(ConfigKeys.API_URL + " is not set: workers fetch files and job state from the api");
        }
        this.base = URI.create(apiUrl.endsWith("/") ? apiUrl : apiUrl + "/");
        this.token = token == null ? "" : token;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    public URI baseUrl() {
        return base;
    }

    /** The job's state and stored sensitivity; empty when the api does not know the job (deleted, or never stored). */
    public Optional<JobStatus> jobStatus(String jobId) {
        HttpResponse<String> response = send(request("internal/jobs/" + jobId, STATUS_TIMEOUT), HttpResponse.BodyHandlers.ofString());
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
            String state = root.path("state").asText(null);
            return Optional.of(new JobStatus(root.path("id").asText(jobId), state == null ? null : JobState.valueOf(state), layers));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("the api's answer for job " + jobId + " is not a job status: " + e.getMessage(), e);
        }
    }

    /** Opens a blob's bytes as a stream; the caller verifies and closes it. */
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

    private HttpRequest request(String path, Duration timeout) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Authorization", "Bearer " + token).GET().build();
    }

    private <B> HttpResponse<B> send(HttpRequest request, HttpResponse.BodyHandler<B> body) {
        try {
            return http.send(request, body);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the api at " + base + " (" + request.uri().getPath() + "): " + e.getMessage(), e);
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
