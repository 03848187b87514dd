package dev.bitplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bitplan.contracts.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The BitPlan REST API over {@code java.net.http}: JSON in and out, multipart uploads, streamed downloads. */
final class ApiClient {

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    ApiClient(String url, String token) {
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.token = token;
    }

    String url() {
        String s = base.toString();
        return s.substring(0, s.length() - 1);
    }

    JsonNode get(String path) {
        return json(send(request(path).GET()));
    }

    String getText(String path) {
        return text(send(request(path).GET()));
    }

    JsonNode postJson(String path, Object body) {
        return json(send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))));
    }

    JsonNode putJson(String path, Object body) {
        return json(send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(Json.write(body)))));
    }

    JsonNode delete(String path) {
        return json(send(request(path).DELETE()));
    }

    /** A multipart/form-data POST with one file part named {@code file} and plain text fields. */
    JsonNode upload(String path, Path file, String... fields) {
        String boundary = "bitplan-" + UUID.randomUUID();
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fields[i] + "\"\r\n\r\n" + fields[i + 1] + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file.getFileName()
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        try {
            HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(
                    HttpRequest.BodyPublishers.ofByteArray(concat(parts)),
                    HttpRequest.BodyPublishers.ofFile(file),
                    HttpRequest.BodyPublishers.ofByteArray(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8)));
            return json(send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(body)));
        } catch (java.io.FileNotFoundException e) {
            throw new IllegalArgumentException("cannot read " + file + ": no such file");
        }
    }

    /** Streams a response body to a file (written whole or not at all). */
    void download(String path, Path target) {
        try {
            HttpResponse<InputStream> r = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() >= 300) {
                try (InputStream in = r.body()) {
                    throw problem(r.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path part = target.resolveSibling(target.getFileName() + ".part");
            try (InputStream in = r.body()) {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while downloading " + path, e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(Duration.ofMinutes(5)).header("Accept", "application/json, application/problem+json, */*");
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw problem(r.statusCode(), r.body());
            }
            return r;
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + url(), e);
        }
    }

    private static JsonNode json(HttpResponse<String> r) {
        String body = r.body();
        if (body == null || body.isBlank()) {
            return Json.mapper().nullNode();
        }
        try {
            return Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("the service answered " + r.uri() + " with something that is not JSON: "
                    + body.substring(0, Math.min(200, body.length())));
        }
    }

    private static String text(HttpResponse<String> r) {
        return r.body();
    }

    /** Reads a problem+json body; a body that is not one still gives a message with the status. */
    static ApiException problem(int status, String body) {
        try {
            JsonNode p = Json.mapper().readTree(body);
            if (p != null && p.isObject()) {
                return new ApiException(status, p.path("title").asText(null), p.path("detail").asText(null), p.path("field").asText(null));
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: fall through to the raw text
        }
        String text = body == null ? "" : body.strip();
        return new ApiException(status, null, text.isEmpty() ? null : text.substring(0, Math.min(300, text.length())), null);
    }

    private CommandFailure unreachable(IOException e) {
        String why = e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new CommandFailure("cannot reach the BitPlan service at " + url() + " (" + why + "); is it running (./bitplan up)?", 1, e);
    }

    private static byte[] concat(List<byte[]> parts) {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
