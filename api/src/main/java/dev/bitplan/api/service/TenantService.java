package dev.bitplan.api.service;

import dev.bitplan.api.auth.Tokens;
import dev.bitplan.api.persistence.ApiTokenEntity;
import dev.bitplan.api.persistence.TenantEntity;
import dev.bitplan.api.service.Views.TenantView;
import dev.bitplan.api.service.Views.TokenView;
import dev.bitplan.api.service.problems.ConflictException;
import dev.bitplan.api.service.problems.ResourceNotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.UUID;

/** Tenants and their API tokens (admin only). */
@ApplicationScoped
public class TenantService {

    @Transactional
    public TenantView create(String name) {
        String n = Names.require("name", name);
        if (TenantEntity.count("name", n) > 0) {
            throw new ConflictException("name", "a tenant named '" + n + "' exists already");
        }
        TenantEntity t = new TenantEntity();
        t.id = UUID.randomUUID().toString();
        t.name = n;
        t.createdAt = Instant.now();
        t.persist();
        return new TenantView(t.id, t.name);
    }

    @Transactional
    public TokenView createToken(String tenantId, String name) {
        if (TenantEntity.findById(tenantId) == null) {
            throw new ResourceNotFoundException("id", "tenant", tenantId);
        }
        String token = Tokens.generate();
        ApiTokenEntity e = new ApiTokenEntity();
        e.id = UUID.randomUUID().toString();
        e.tenantId = tenantId;
        e.name = Names.require("name", name);
        e.tokenSha256 = Tokens.sha256Hex(token);
        e.createdAt = Instant.now();
        e.persist();
        return new TokenView(e.id, e.name, token);
    }
}
