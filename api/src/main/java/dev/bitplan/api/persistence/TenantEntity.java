package dev.bitplan.api.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A tenant: the owner of models, datasets, jobs and tokens. */
@Entity
@Table(name = "tenants")
public class TenantEntity extends PanacheEntityBase {

    @Id
    public String id;
    public String name;
    @Column(name = "created_at")
    public Instant createdAt;
}
