package dev.bitplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The local stack's own tenant ({@code local}) and its API token, created through the admin endpoints on first start
 * and kept in {@code DATA/stack.json} ({url, token}, mode 600) for the next starts.
 */
final class LocalTenant {

    static final String NAME = "local";

    private LocalTenant() {
    }

    /** The token of tenant {@code local}: the saved one while it still works, else a new tenant and token. */
    static String ensure(LocalStack stack, Path dataDir, PrintStream err) {
        Path file = dataDir.resolve("stack.json");
        JsonNode saved = PrivateFiles.readJson(file);
        if (saved != null && saved.hasNonNull("token") && works(stack.url(), saved.get("token").asText())) {
            PrivateFiles.writeJson(file, Map.of("url", stack.url(), "token", saved.get("token").asText()));
            return saved.get("token").asText();
        }
        ApiClient admin = new ApiClient(stack.url(), stack.secrets().adminToken());
        JsonNode tenant;
        try {
            tenant = admin.postJson("/api/tenants", Map.of("name", NAME));
        } catch (ApiException e) {
            if (e.status() == 409) {
                throw new CommandFailure("tenant '" + NAME + "' exists but its token is lost (" + file + " is missing or stale); "
                        + "start with a fresh --data-dir, or create a token with POST /api/tenants/{id}/tokens using the admin token in "
                        + dataDir.resolve("secrets.json"), 1, e);
            }
            throw e;
        }
        String token = admin.postJson("/api/tenants/" + tenant.path("id").asText() + "/tokens", Map.of("name", NAME))
                .path("token").asText();
        PrivateFiles.writeJson(file, Map.of("url", stack.url(), "token", token));
        err.println("up: created tenant '" + NAME + "' and its token (kept in " + file + ")");
        return token;
    }

    /** Removes ~/.bitplan/current-stack.json when it names this process (another stack may have replaced it). */
    static void forgetCurrent() {
        Path current = UserFiles.currentStack();
        try {
            JsonNode j = PrivateFiles.readJson(current);
            if (j != null && j.path("pid").asLong() == ProcessHandle.current().pid()) {
                Files.deleteIfExists(current);
            }
        } catch (IOException | RuntimeException e) {
            // leaving it is harmless: readers check that its pid is alive
        }
    }

    private static boolean works(String url, String token) {
        try {
            new ApiClient(url, token).get("/api/models");
            return true;
        } catch (ApiException e) {
            return false;
        }
    }
}
