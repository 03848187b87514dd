package dev.bitplan.api.service;

import dev.bitplan.api.persistence.BlobStore;
import dev.bitplan.api.persistence.CandidateEntity;
import dev.bitplan.api.persistence.JobEntity;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.messaging.CandidateEvaluated;
import dev.bitplan.contracts.messaging.JobEvent;
import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.SearchProfile;
import dev.bitplan.contracts.search.SearchReport;
import dev.bitplan.search.ReportAssembler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Applies what workers report to the database, idempotently: a redelivered event or result changes nothing.
 * Each call is one transaction; the job row is locked so that one job's messages are applied one at a time.
 */
@ApplicationScoped
public class EventApplier {

    private static final Logger LOG = Logger.getLogger(EventApplier.class);

    @Inject
    EntityManager em;

    @Inject
    BlobStore blobs;

    @Inject
    JobEvents events;

    @Inject
    NightlyComparison nightly;

    @Transactional
    public void apply(JobEvent event) {
        JobEntity job = event.jobId() == null ? null : JobEntity.locked(event.jobId());
        if (job == null) {
            LOG.warnf("dropping %s event of unknown job %s", event.type(), event.jobId());
            return;
        }
        if (job.state.terminal()) {
            return; // late or redelivered: a finished job never changes
        }
        Instant now = Instant.ofEpochMilli(Math.max(event.atMillis(), 0)).isAfter(Instant.now()) || event.atMillis() <= 0
                ? Instant.now() : Instant.ofEpochMilli(event.atMillis());
        if (event instanceof JobEvent.StateChanged changed) {
            if (changed.state() != null && JobStateMachine.canMove(job.state, changed.state())) {
                move(job, changed.state(), changed.message(), changed.worker());
            }
        } else if (event instanceof JobEvent.Progress progress) {
            progress(job, progress, now);
        } else if (event instanceof JobEvent.LayerMeasured measured) {
            if (measured.layer() != null) {
                upsertSensitivity(job.id, measured);
            }
        } else if (event instanceof JobEvent.Profiled profiled) {
            if (profiled.profile() != null) {
                job.profile = Json.write(profiled.profile());
                job.candidatesExpected = profiled.profile().proposals().size();
                upsertLatencyTable(job.id, profiled.profile());
                if (JobStateMachine.canMove(job.state, JobState.EVALUATING)) {
                    move(job, JobState.EVALUATING, "profile ready: " + job.candidatesExpected + " candidates to measure", profiled.worker());
                }
                finishIfComplete(job);
            }
        } else if (event instanceof JobEvent.Failed failed) {
            job.error = failed.message() == null ? "the worker gave no reason" : failed.message();
            move(job, JobState.FAILED, job.error, failed.worker());
        } else if (event instanceof JobEvent.Log log) {
            events.log(job.id, log.message(), log.worker());
        }
        job.updatedAt = Instant.now();
    }

    @Transactional
    public void apply(CandidateEvaluated result) {
        JobEntity job = result.jobId() == null ? null : JobEntity.locked(result.jobId());
        if (job == null) {
            LOG.warnf("dropping result %s of unknown job %s", result.candidateId(), result.jobId());
            return;
        }
        if (job.state.terminal() || CandidateEntity.findById(result.candidateId()) != null || result.candidate() == null) {
            return; // cancelled, failed or done: dropped; or a redelivery of a stored candidate
        }
        String artifact = result.artifactSha256() == null ? null : result.artifactSha256().toLowerCase(java.util.Locale.ROOT);
        if (artifact != null && blobs.info(artifact).isEmpty()) {
            // evaluators complete the upload before they publish the result: a missing file is not a delay but a loss
            throw new IllegalStateException("the exported model of candidate " + result.candidateId() + " (sha256 " + artifact
                    + ") is not in the blob store; the evaluator's upload did not complete");
        }
        Candidate c = result.candidate();
        CandidateEntity e = new CandidateEntity();
        e.id = result.candidateId();
        e.jobId = job.id;
        e.proposalId = c.id();
        e.kind = c.kind();
        e.plan = c.plan() == null ? null : Json.write(c.plan());
        e.result = Json.write(c);
        e.metric = c.metric();
        e.sizeBytes = c.sizeBytes();
        e.latencyMs = c.latencyMs();
        e.bops = c.bops();
        e.artifactSha256 = artifact;
        e.worker = result.worker();
        e.createdAt = Instant.now();
        e.persist();
        em.flush();
        job.updatedAt = Instant.now();
        finishIfComplete(job);
    }

    /** Once every proposal of the profile is measured: the report, the front and budget flags, DONE. */
    private void finishIfComplete(JobEntity job) {
        if (job.profile == null || job.candidatesExpected == null || job.state.terminal()) {
            return;
        }
        SearchProfile profile = Json.read(job.profile, SearchProfile.class);
        Map<String, CandidateEntity> stored = CandidateEntity.ofJob(job.id).stream()
                .collect(Collectors.toMap(c -> c.proposalId, Function.identity()));
        List<Candidate> measured = profile.proposals().stream().map(p -> stored.get(p.id())).filter(Objects::nonNull)
                .map(c -> Json.read(c.result, Candidate.class)).toList();
        if (measured.size() < profile.proposals().size()) {
            return;
        }
        SearchReport report = nightly.onDone(job, ReportAssembler.assemble(profile, measured));
        for (Candidate c : report.candidates()) {
            CandidateEntity e = stored.get(c.id());
            e.onFront = c.onFront();
            e.withinBudgets = c.withinBudgets();
            e.result = Json.write(c);
        }
        job.report = Json.write(report);
        job.recommended = report.recommended() == null ? null : job.id + ":" + report.recommended();
        job.progressDone = job.candidatesExpected;
        job.progressTotal = job.candidatesExpected;
        move(job, JobState.DONE, report.recommendation(), null);
    }

    private void move(JobEntity job, JobState to, String message, String worker) {
        job.state = to;
        Instant now = Instant.now();
        if (to == JobState.PROFILING && job.startedAt == null) {
            job.startedAt = now;
        }
        if (worker != null) {
            job.worker = worker;
        }
        if (to.terminal()) {
            job.finishedAt = now;
            job.etaSeconds = null;
            events.forget(job.id);
        }
        job.updatedAt = now;
        events.state(job.id, to, job.stage, message, worker);
    }

    private void progress(JobEntity job, JobEvent.Progress event, Instant at) {
        if (!Objects.equals(job.stage, event.stage()) || job.stageStartedAt == null) {
            job.stage = event.stage();
            job.stageStartedAt = at;
            job.stageStartDone = event.done();
        }
        job.progressDone = event.done();
        job.progressTotal = event.total();
        job.etaSeconds = EtaEstimator.secondsLeft(job.stageStartedAt, job.stageStartDone, at, event.done(), event.total());
        if (event.worker() != null) {
            job.worker = event.worker();
        }
        events.progress(job.id, event.stage(), event.done(), event.total(), event.worker());
    }

    /** The measured per-layer latency of every option, kept apart from the profile so it can be queried (nightly re-search). */
    private void upsertLatencyTable(String jobId, dev.bitplan.contracts.search.SearchProfile profile) {
        for (var layer : profile.layers()) {
            for (var option : layer.options()) {
                em.createNativeQuery("INSERT INTO latency_table (job_id, layer, option_label, millis) VALUES (?1, ?2, ?3, ?4) "
                                + "ON CONFLICT (job_id, layer, option_label) DO UPDATE SET millis = EXCLUDED.millis")
                        .setParameter(1, jobId).setParameter(2, layer.name()).setParameter(3, option.label())
                        .setParameter(4, option.latencyMs()).executeUpdate();
            }
        }
    }

    private void upsertSensitivity(String jobId, JobEvent.LayerMeasured event) {
        em.createNativeQuery("INSERT INTO sensitivity (job_id, layer, result, worker) VALUES (?1, ?2, CAST(?3 AS jsonb), ?4) "
                        + "ON CONFLICT (job_id, layer) DO UPDATE SET result = EXCLUDED.result, worker = EXCLUDED.worker")
                .setParameter(1, jobId).setParameter(2, event.layer().layer()).setParameter(3, Json.write(event.layer()))
                .setParameter(4, event.worker()).executeUpdate();
    }
}
