package dev.bitplan.api.service;

import dev.bitplan.api.persistence.ModelWatchEntity;
import dev.bitplan.contracts.blob.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Polls a watched model's source URI for new bytes. An http(s) server is asked conditionally (If-None-Match with the
 * last ETag, If-Modified-Since with the last Last-Modified), so an unchanged model costs a 304; whatever arrives is
 * compared by sha256 with what was seen last, so a server without those headers (or a touched file) is no change
 * either. Updates the watch's source fields; the caller's transaction stores them.
 */
final class SourcePoller {

    /** New bytes found at the source, spooled to a temporary file the caller deletes. */
    record NewBytes(Path file, String fileName, long size, String sha256) {
    }

    private final HttpClient http;
    private final Duration timeout;

    SourcePoller(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** The source's bytes when they differ from those seen last; empty when unchanged. Fails with a readable message. */
    Optional<NewBytes> poll(ModelWatchEntity watch) {
        URI uri = URI.create(watch.sourceUri);
        watch.sourceCheckedAt = Instant.now();
        Path spooled;
        try {
            spooled = Files.createTempFile("bitplan-source-", ".onnx");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool the source of a watched model", e);
        }
        try {
            boolean fetched = uri.getScheme().equalsIgnoreCase("file") ? copyFile(uri, spooled) : download(watch, uri, spooled);
            if (!fetched) {
                Files.deleteIfExists(spooled);
                return Optional.empty();
            }
            String sha = Sha256.of(spooled);
            if (sha.equals(watch.sourceSha256)) {
                Files.deleteIfExists(spooled);
                return Optional.empty();
            }
            watch.sourceSha256 = sha;
            String path = uri.getPath() == null ? "" : uri.getPath();
            String name = path.substring(path.lastIndexOf('/') + 1);
            return Optional.of(new NewBytes(spooled, name.isEmpty() ? "source.onnx" : name, Files.size(spooled), sha));
        } catch (IOException e) {
            deleteQuietly(spooled);
            throw new UncheckedIOException("cannot read " + watch.sourceUri + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(spooled);
            throw e;
        }
    }

    private static boolean copyFile(URI uri, Path to) throws IOException {
        Files.copy(Path.of(uri), to, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    /** False on 304 Not Modified. */
    private boolean download(ModelWatchEntity watch, URI uri, Path to) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        if (watch.sourceEtag != null) {
            request.header("If-None-Match", watch.sourceEtag);
        }
        if (watch.sourceLastModified != null) {
            request.header("If-Modified-Since", watch.sourceLastModified);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() == 304) {
                return false;
            }
            if (response.statusCode() != 200) {
                throw new IOException("the server answered " + response.statusCode());
            }
            Files.copy(body, to, StandardCopyOption.REPLACE_EXISTING);
        }
        watch.sourceEtag = response.headers().firstValue("ETag").orElse(null);
        watch.sourceLastModified = response.headers().firstValue("Last-Modified").orElse(null);
        return true;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }
}
