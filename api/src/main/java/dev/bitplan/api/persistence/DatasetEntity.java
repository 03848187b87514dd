package dev.bitplan.api.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** An uploaded NPZ dataset of one tenant. */
@Entity
@Table(name = "datasets")
public class DatasetEntity extends PanacheEntityBase {

    @Id
    public String id;
    @Column(name = "tenant_id")
    public String tenantId;
    public String name;
    @Column(name = "blob_sha256")
    public String blobSha256;
    @Column(name = "file_name")
    public String fileName;
    @Column(name = "size_bytes")
    public long sizeBytes;
    public int samples;
    /** JSON list of service.ArrayInfo. */
    @JdbcTypeCode(SqlTypes.JSON)
    public String arrays;
    @Column(name = "has_labels")
    public boolean hasLabels;
    @Column(name = "created_at")
    public Instant createdAt;

    public static DatasetEntity ofTenant(String tenantId, String id) {
        return id == null ? null : find("tenantId = ?1 and id = ?2", tenantId, id).firstResult();
    }
}
