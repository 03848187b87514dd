package dev.bitplan.api.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An API token of a tenant, by its sha256; the plain token is shown once and never stored. */
@Entity
@Table(name = "api_tokens")
public class ApiTokenEntity extends PanacheEntityBase {

    @Id
    public String id;
    @Column(name = "tenant_id")
    public String tenantId;
    public String name;
    @Column(name = "token_sha256")
    public String tokenSha256;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    public static ApiTokenEntity findByHash(String sha256) {
        return find("tokenSha256", sha256).firstResult();
    }
}
