package dev.bitplan.api.persistence;

import dev.bitplan.contracts.json.Json;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A job a nightly run submitted: the job whose rows it reused, and how its front compared once DONE. */
@Entity
@Table(name = "nightly_jobs")
public class NightlyJobEntity extends PanacheEntityBase {

    @Id
    @Column(name = "job_id")
    public String jobId;
    @Column(name = "model_id")
    public String modelId;
    @Column(name = "previous_job_id")
    public String previousJobId;
    /** JSON array of layer names. */
    @Column(name = "reused_layers")
    @JdbcTypeCode(SqlTypes.JSON)
    public String reusedLayers;
    @Column(name = "remeasured_layers")
    @JdbcTypeCode(SqlTypes.JSON)
    public String remeasuredLayers;
    @Column(name = "previous_metric")
    public Double previousMetric;
    public Double metric;
    public Boolean regression;
    @Column(name = "compared_at")
    public Instant comparedAt;
    @Column(name = "webhook_url")
    public String webhookUrl;
    @Column(name = "webhook_body")
    @JdbcTypeCode(SqlTypes.JSON)
    public String webhookBody;
    @Column(name = "webhook_status")
    public String webhookStatus;
    @Column(name = "created_at")
    public Instant createdAt;

    public List<String> reusedLayerNames() {
        return names(reusedLayers);
    }

    public List<String> remeasuredLayerNames() {
        return names(remeasuredLayers);
    }

    private static List<String> names(String json) {
        try {
            return List.of(Json.mapper().readValue(json, String[].class));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored layer names do not parse: " + json, e);
        }
    }

    public static List<NightlyJobEntity> ofModel(String modelId) {
        return list("modelId = ?1 order by createdAt", modelId);
    }
}
