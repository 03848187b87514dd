package dev.bitplan.api.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One uploaded file of a model, validated and stored as a blob. */
@Entity
@Table(name = "model_versions")
public class ModelVersionEntity extends PanacheEntityBase {

    @Id
    public String id;
    @Column(name = "model_id")
    public String modelId;
    public int version;
    @Column(name = "blob_sha256")
    public String blobSha256;
    @Column(name = "file_name")
    public String fileName;
    @Column(name = "size_bytes")
    public long sizeBytes;
    public int layers;
    public long params;
    @Column(name = "fp32_bytes")
    public long fp32Bytes;
    /** JSON list of contracts.report.ModelInspection.TensorSpec. */
    @JdbcTypeCode(SqlTypes.JSON)
    public String inputs;
    @Column(name = "created_at")
    public Instant createdAt;

    public static List<ModelVersionEntity> ofModel(String modelId) {
        return list("modelId = ?1 order by version", modelId);
    }

    public static ModelVersionEntity latest(String modelId) {
        return find("modelId = ?1 order by version desc", modelId).firstResult();
    }

    /** The model's version with these bytes, if any (the first, should there be several from before versions were distinct). */
    public static ModelVersionEntity withContent(String modelId, String sha256) {
        return find("modelId = ?1 and blobSha256 = ?2 order by version", modelId, sha256).firstResult();
    }

    public static ModelVersionEntity byNumber(String modelId, int version) {
        return find("modelId = ?1 and version = ?2", modelId, version).firstResult();
    }
}
