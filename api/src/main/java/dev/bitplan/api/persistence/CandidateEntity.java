package dev.bitplan.api.persistence;

import dev.bitplan.contracts.search.CandidateKind;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A measured candidate of a job, by its global id {@code <jobId>:<proposal id>}. */
@Entity
@Table(name = "candidates")
public class CandidateEntity extends PanacheEntityBase {

    @Id
    public String id;
    @Column(name = "job_id")
    public String jobId;
    @Column(name = "proposal_id")
    public String proposalId;
    @Convert(converter = CandidateKindColumn.class)
    public CandidateKind kind;
    @JdbcTypeCode(SqlTypes.JSON)
    public String plan;
    /** contracts.search.Candidate as measured (front and budget flags as decided by the report). */
    @JdbcTypeCode(SqlTypes.JSON)
    public String result;
    public double metric;
    @Column(name = "size_bytes")
    public long sizeBytes;
    @Column(name = "latency_ms")
    public Double latencyMs;
    public long bops;
    @Column(name = "on_front")
    public boolean onFront;
    @Column(name = "within_budgets")
    public boolean withinBudgets;
    @Column(name = "artifact_sha256")
    public String artifactSha256;
    public String worker;
    @Column(name = "created_at")
    public Instant createdAt;

    public static List<CandidateEntity> ofJob(String jobId) {
        return list("jobId = ?1 order by createdAt, id", jobId);
    }

    public static long countOfJob(String jobId) {
        return count("jobId", jobId);
    }

    /** Stored candidates per job of the tenant, in one query; a job with none is absent. */
    public static Map<String, Long> countsOfTenant(String tenantId) {
        return getEntityManager().createQuery("select c.jobId, count(c) from CandidateEntity c where c.jobId in "
                        + "(select j.id from JobEntity j where j.tenantId = :tenant) group by c.jobId", Object[].class)
                .setParameter("tenant", tenantId).getResultStream()
                .collect(Collectors.toMap(r -> (String) r[0], r -> (Long) r[1]));
    }
}
