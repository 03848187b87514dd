package dev.bitplan.api.service;

import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.messaging.JobEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The job_events history: every state change, log line and (at most about once a second per job) progress step. */
@ApplicationScoped
public class JobEvents {

    private static final long PROGRESS_EVERY_MILLIS = 1000;

    @Inject
    EntityManager em;

    private final Map<String, Long> lastProgress = new ConcurrentHashMap<>();

    public record EventRow(Instant at, JobEvent.Type type, String state, String stage, String message, Integer done, Integer total,
                           String worker) {
    }

    /** The job entered {@code state} during {@code stage} (null before any); {@code worker} null for the api's own moves. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void state(String jobId, JobState state, String stage, String message, String worker) {
        insert(jobId, JobEvent.Type.STATE, state, stage, message, null, null, worker);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void log(String jobId, String message, String worker) {
        insert(jobId, JobEvent.Type.LOG, null, null, message, null, null, worker);
    }

    private void insert(String jobId, JobEvent.Type type, JobState state, String stage, String message, Integer done, Integer total,
                        String worker) {
        em.createNativeQuery("INSERT INTO job_events (job_id, type, state, stage, message, done, total, worker) "
                        + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
                .setParameter(1, jobId).setParameter(2, type.name()).setParameter(3, state == null ? null : state.name())
                .setParameter(4, stage).setParameter(5, message).setParameter(6, done).setParameter(7, total)
                .setParameter(8, worker).executeUpdate();
    }

    /** Records a progress step unless one of this job was recorded less than a second ago (the last step always). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void progress(String jobId, String stage, int done, int total, String worker) {
        long now = System.currentTimeMillis();
        Long last = lastProgress.get(jobId);
        if (last != null && now - last < PROGRESS_EVERY_MILLIS && done < total) {
            return;
        }
        lastProgress.put(jobId, now);
        insert(jobId, JobEvent.Type.PROGRESS, null, stage, null, done, total, worker);
    }

    public void forget(String jobId) {
        lastProgress.remove(jobId);
    }

    @Transactional
    @SuppressWarnings("unchecked")
    public List<EventRow> of(String jobId) {
        List<Object[]> rows = em.createNativeQuery("SELECT at, type, state, stage, message, done, total, worker FROM job_events "
                + "WHERE job_id = ?1 ORDER BY id").setParameter(1, jobId).getResultList();
        return rows.stream().map(r -> new EventRow(toInstant(r[0]), JobEvent.Type.valueOf((String) r[1]), (String) r[2], (String) r[3], (String) r[4],
                (Integer) r[5], (Integer) r[6], (String) r[7])).toList();
    }

    private static Instant toInstant(Object o) {
        if (o instanceof Instant i) {
            return i;
        }
        if (o instanceof java.time.OffsetDateTime t) {
            return t.toInstant();
        }
        if (o instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        return null;
    }
}
