package dev.bitplan.api.persistence;

import dev.bitplan.contracts.job.JobState;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A search job and where it stands. */
@Entity
@Table(name = "jobs")
public class JobEntity extends PanacheEntityBase {

    @Id
    public String id;
    @Column(name = "tenant_id")
    public String tenantId;
    @Column(name = "model_version_id")
    public String modelVersionId;
    @Column(name = "dataset_id")
    public String datasetId;
    @Column(name = "calibration_dataset_id")
    public String calibrationDatasetId;
    @JdbcTypeCode(SqlTypes.JSON)
    public String spec;
    @Enumerated(EnumType.STRING)
    public JobState state;
    public String stage;
    @Column(name = "progress_done")
    public Integer progressDone;
    @Column(name = "progress_total")
    public Integer progressTotal;
    @Column(name = "stage_started_at")
    public Instant stageStartedAt;
    @Column(name = "stage_start_done")
    public Integer stageStartDone;
    @Column(name = "eta_seconds")
    public Long etaSeconds;
    public String error;
    public String recommended;
    @Column(name = "candidates_expected")
    public Integer candidatesExpected;
    @JdbcTypeCode(SqlTypes.JSON)
    public String profile;
    @JdbcTypeCode(SqlTypes.JSON)
    public String report;
    public String worker;
    @Column(name = "published_at")
    public Instant publishedAt;
    /** The Kafka record a search worker took the job up with; see {@link #claimSearch}. */
    @Column(name = "search_record")
    public String searchRecord;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;

    public static JobEntity ofTenant(String tenantId, String id) {
        return find("tenantId = ?1 and id = ?2", tenantId, id).firstResult();
    }

    public static List<JobEntity> listOfTenant(String tenantId) {
        return list("tenantId = ?1 order by createdAt desc", tenantId);
    }

    /** The job locked for update, so that events and results of one job are applied one at a time. */
    public static JobEntity locked(String id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * Gives the job's search to {@code record} unless another record holds it; returns the holder (null: no such
     * job). One conditional update, so two workers asking at once cannot both win.
     */
    public static String claimSearch(String id, String record) {
        update("searchRecord = ?1 where id = ?2 and searchRecord is null", record, id);
        JobEntity job = findById(id);
        if (job == null) {
            return null;
        }
        getEntityManager().refresh(job);
        return job.searchRecord;
    }

    /** Queued jobs whose search request was not sent (the api stopped or Kafka was down right after submit). */
    public static List<JobEntity> unpublished(Instant createdBefore) {
        return list("state = ?1 and publishedAt is null and createdAt < ?2 order by createdAt", JobState.QUEUED, createdBefore);
    }
}
