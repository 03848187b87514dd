package dev.bitplan.api.persistence;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/** What the nightly re-search watches of one model (a row of {@code schedules}, one per model). */
@Entity
@Table(name = "schedules")
public class ModelWatchEntity extends PanacheEntityBase {

    @Id
    public String id;
    @Column(name = "tenant_id")
    public String tenantId;
    @Column(name = "model_id")
    public String modelId;
    /** Null: the api's {@code bitplan.nightly.cron}; kept for a per-model schedule later. */
    public String cron;
    public boolean enabled;
    @Column(name = "on_new_version")
    public boolean onNewVersion;
    @Column(name = "source_uri")
    public String sourceUri;
    @Column(name = "source_etag")
    public String sourceEtag;
    @Column(name = "source_last_modified")
    public String sourceLastModified;
    @Column(name = "source_sha256")
    public String sourceSha256;
    @Column(name = "source_checked_at")
    public Instant sourceCheckedAt;
    @Column(name = "webhook_url")
    public String webhookUrl;
    @Column(name = "last_run_at")
    public Instant lastRunAt;
    @Column(name = "last_job_id")
    public String lastJobId;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public static ModelWatchEntity ofModel(String modelId) {
        return find("modelId", modelId).firstResult();
    }

    public static List<ModelWatchEntity> enabledWatches() {
        return list("enabled = true order by createdAt");
    }
}
