package dev.bitplan.api.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/** A named model of one tenant; its files are its versions. */
@Entity
@Table(name = "models")
public class ModelEntity extends PanacheEntityBase {

    @Id
    public String id;
    @Column(name = "tenant_id")
    public String tenantId;
    public String name;
    @Column(name = "created_at")
    public Instant createdAt;

    public static ModelEntity byName(String tenantId, String name) {
        return find("tenantId = ?1 and name = ?2", tenantId, name).firstResult();
    }

    public static List<ModelEntity> ofTenant(String tenantId) {
        return list("tenantId = ?1 order by name", tenantId);
    }
}
