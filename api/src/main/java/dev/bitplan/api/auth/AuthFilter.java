package dev.bitplan.api.auth;

import dev.bitplan.api.config.ApiConfig;
import dev.bitplan.api.persistence.ApiTokenEntity;
import dev.bitplan.api.service.problems.UnauthenticatedException;
import dev.bitplan.contracts.config.ConfigKeys;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Bearer-token access: {@code /api/tenants/**} and {@code /api/nightly/**} take the admin token, {@code /internal/**} the workers' internal
 * token, every other {@code /api/**} path a tenant's token (looked up by its sha256). {@code /api/info} is open.
 */
public class AuthFilter {

    private static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

    @Inject
    ApiConfig config;

    @Inject
    Caller caller;

    @ServerRequestFilter
    public void authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/") && !path.startsWith("/internal/") || path.equals("/api/info")) {
            return;
        }
        String token = bearer(request.getHeaderString("Authorization"));
        if (path.startsWith("/api/tenants") || path.startsWith("/api/nightly")) {
            requireSecret(token, config.adminToken(), "the admin token (" + ConfigKeys.ADMIN_TOKEN + ")");
        } else if (path.startsWith("/internal/")) {
            requireSecret(token, config.internalToken(), "the internal token (" + ConfigKeys.INTERNAL_TOKEN + ")");
        } else {
            caller.tenant(tenantOf(token));
        }
    }

    private static String bearer(String header) {
        if (header == null || header.isBlank()) {
            throw new UnauthenticatedException("missing Authorization header; send 'Authorization: Bearer <token>'");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            throw new UnauthenticatedException("the Authorization header must be 'Bearer <token>'");
        }
        return header.substring(7).trim();
    }

    private static void requireSecret(String token, Optional<String> expected, String what) {
        if (expected.isEmpty() || !Tokens.same(token, expected.get())) {
            throw new UnauthenticatedException("this endpoint needs " + what + "; the token given is not it");
        }
    }

    private static String tenantOf(String token) {
        ApiTokenEntity found = ApiTokenEntity.findByHash(Tokens.sha256Hex(token));
        if (found == null) {
            throw new UnauthenticatedException("unknown API token; ask an admin for one (POST /api/tenants/{id}/tokens)");
        }
        Instant now = Instant.now();
        if (found.lastUsedAt == null || found.lastUsedAt.isBefore(now.minus(LAST_USED_GRANULARITY))) {
            QuarkusTransaction.requiringNew().run(() -> ApiTokenEntity.update("lastUsedAt = ?1 where id = ?2", now, found.id));
        }
        return found.tenantId;
    }
}
