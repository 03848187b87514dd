package dev.bitplan.api.service;

import dev.bitplan.api.service.problems.InvalidRequestException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** Checks the URIs of a watch: a model's source ({@code file://}, {@code http(s)://}) and a webhook ({@code http(s)://}). */
final class WatchUris {

    private static final Set<String> SOURCE_SCHEMES = Set.of("file", "http", "https");
    private static final Set<String> WEBHOOK_SCHEMES = Set.of("http", "https");

    private WatchUris() {
    }

    /** The source URI, normalised, or null for none; 400 naming {@code field} when it cannot be polled. */
    static String source(String field, String value) {
        URI uri = parse(field, value, SOURCE_SCHEMES);
        if (uri == null) {
            return null;
        }
        if (uri.getScheme().equalsIgnoreCase("file")) {
            if (uri.getPath() == null || !Path.of(uri.getPath()).isAbsolute() || uri.getAuthority() != null && !uri.getAuthority().isEmpty()) {
                throw new InvalidRequestException(field, field + ": '" + value + "' is not a local absolute file URI; write file:///path/to/model.onnx");
            }
            return uri.toString();
        }
        return requireHost(field, value, uri);
    }

    /** The webhook URL, or null for none; 400 naming {@code field} when it is not an http(s) URL with a host. */
    static String webhook(String field, String value) {
        URI uri = parse(field, value, WEBHOOK_SCHEMES);
        return uri == null ? null : requireHost(field, value, uri);
    }

    private static URI parse(String field, String value, Set<String> schemes) {
        if (value == null || value.isBlank()) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new InvalidRequestException(field, field + ": '" + value + "' is not a URI (" + e.getReason() + ")");
        }
        if (uri.getScheme() == null || !schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
            throw new InvalidRequestException(field, field + ": '" + value + "' has scheme " + (uri.getScheme() == null ? "none" : "'" + uri.getScheme() + "'")
                    + "; use " + String.join(", ", schemes.stream().sorted().map(s -> s + "://").toList()));
        }
        return uri;
    }

    private static String requireHost(String field, String value, URI uri) {
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new InvalidRequestException(field, field + ": '" + value + "' names no host");
        }
        return uri.toString();
    }
}
