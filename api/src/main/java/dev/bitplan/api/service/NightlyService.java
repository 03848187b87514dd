package dev.bitplan.api.service;

import dev.bitplan.api.config.ApiConfig;
import dev.bitplan.api.persistence.JobEntity;
import dev.bitplan.api.persistence.ModelEntity;
import dev.bitplan.api.persistence.ModelVersionEntity;
import dev.bitplan.api.persistence.ModelWatchEntity;
import dev.bitplan.api.persistence.NightlyJobEntity;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.json.Json;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * One nightly run: for each watched model, poll its source for new bytes (a new version), and when its newest version
 * has not been searched, submit a job with the spec and datasets of its last finished search, reusing the rows of
 * the layers whose digest did not change ({@link LayerReuse}). The whole run holds a PostgreSQL advisory lock, so two
 * api instances (or two triggers) never run it at once; a run that starts after another ended finds nothing new, since
 * the newest versions have their jobs. The caller dispatches the submitted jobs.
 */
@ApplicationScoped
public class NightlyService {

    private static final Logger LOG = Logger.getLogger(NightlyService.class);
    /** The advisory lock's key: "BitPlan nightly" as a number, shared by every api instance. */
    public static final long LOCK_KEY = 0x4269_7450_6c61_6e4eL;
    private static final int RUN_TIMEOUT_SECONDS = 3600;

    /** What a run did; {@code ran} false: another run held the lock. */
    public record RunResult(boolean ran, String trigger, Instant startedAt, List<SubmittedJob> submitted, List<Skipped> skipped) {
    }

    /** A nightly job: which version, which job it repeats, which layers it reuses and which it measures. */
    public record SubmittedJob(String model, int version, String jobId, String previousJobId, int previousVersion,
                               List<String> reusedLayers, List<String> remeasuredLayers) {
    }

    /** A watched model with nothing to do, and why. */
    public record Skipped(String model, String reason) {
    }

    @Inject
    EntityManager em;

    @Inject
    ApiConfig config;

    @Inject
    ModelService models;

    @Inject
    JobService jobs;

    @Inject
    LayerReuse reuse;

    public RunResult run(String trigger) {
        Instant started = Instant.now();
        return QuarkusTransaction.requiringNew().timeout(RUN_TIMEOUT_SECONDS).call(() -> {
            Boolean locked = (Boolean) em.createNativeQuery("SELECT pg_try_advisory_xact_lock(?1)").setParameter(1, LOCK_KEY).getSingleResult();
            if (!Boolean.TRUE.equals(locked)) {
                LOG.infof("nightly run (%s) skipped: another run holds the lock", trigger);
                return new RunResult(false, trigger, started, List.of(), List.of());
            }
            List<SubmittedJob> submitted = new ArrayList<>();
            List<Skipped> skipped = new ArrayList<>();
            List<String> watches = QuarkusTransaction.requiringNew().call(() -> ModelWatchEntity.enabledWatches().stream().map(w -> w.id).toList());
            for (String id : watches) {
                try {
                    watch(id).ifPresentOrElse(submitted::add, () -> skipped.add(new Skipped(modelName(id), whyNot(id))));
                } catch (RuntimeException e) {
                    LOG.warnf(e, "nightly run: watch %s failed", id);
                    skipped.add(new Skipped(modelName(id), "failed: " + e.getMessage()));
                }
            }
            LOG.infof("nightly run (%s): %d jobs submitted, %d models with nothing new", trigger, submitted.size(), skipped.size());
            return new RunResult(true, trigger, started, submitted, skipped);
        });
    }

    /** Polls the source, then submits a job for the newest version if it has none. */
    private Optional<SubmittedJob> watch(String watchId) {
        ModelWatchEntity w = QuarkusTransaction.requiringNew().call(() -> ModelWatchEntity.findById(watchId));
        ModelEntity model = QuarkusTransaction.requiringNew().call(() -> ModelEntity.findById(w.modelId));
        boolean fromSource = w.sourceUri != null && pollSource(w, model);
        if (!w.onNewVersion && !fromSource) {
            return Optional.empty();
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            ModelVersionEntity latest = ModelVersionEntity.latest(model.id);
            JobEntity previous = lastSearch(model.id);
            if (latest == null || previous == null || JobEntity.count("modelVersionId", latest.id) > 0) {
                return Optional.<String>empty();
            }
            return Optional.of(latest.id);
        }).map(latestId -> submit(w, model, latestId));
    }

    private SubmittedJob submit(ModelWatchEntity w, ModelEntity model, String latestId) {
        JobEntity previous = QuarkusTransaction.requiringNew().call(() -> lastSearch(model.id));
        ModelVersionEntity before = QuarkusTransaction.requiringNew().call(() -> ModelVersionEntity.findById(previous.modelVersionId));
        ModelVersionEntity latest = QuarkusTransaction.requiringNew().call(() -> ModelVersionEntity.findById(latestId));
        JobRequest request = new JobRequest(latest.id, null, null, previous.datasetId, previous.calibrationDatasetId, JobService.spec(previous));
        LayerReuse.Split[] split = new LayerReuse.Split[1];
        Views.JobView job = jobs.submit(w.tenantId, request, created -> {
            split[0] = reuse.copy(previous.id, before.id, created.id, latest.id);
            NightlyJobEntity n = new NightlyJobEntity();
            n.jobId = created.id;
            n.modelId = model.id;
            n.previousJobId = previous.id;
            n.reusedLayers = Json.write(split[0].reused());
            n.remeasuredLayers = Json.write(split[0].remeasured());
            n.createdAt = Instant.now();
            n.persist();
            ModelWatchEntity watch = ModelWatchEntity.findById(w.id);
            watch.lastRunAt = n.createdAt;
            watch.lastJobId = created.id;
        });
        LOG.infof("nightly: model %s v%d -> job %s (repeats %s on v%d; %d layers reused, %d to measure)", model.name, latest.version, job.id(),
                previous.id, before.version, split[0].reused().size(), split[0].remeasured().size());
        return new SubmittedJob(model.name, latest.version, job.id(), previous.id, before.version, split[0].reused(), split[0].remeasured());
    }

    /** New bytes at the source become a version (the same bytes as a stored version find that version). */
    private boolean pollSource(ModelWatchEntity w, ModelEntity model) {
        SourcePoller poller = new SourcePoller(Duration.ofMillis(config.nightly().sourceTimeoutMs()));
        ModelWatchEntity polled = QuarkusTransaction.requiringNew().call(() -> ModelWatchEntity.findById(w.id));
        Optional<SourcePoller.NewBytes> found = poller.poll(polled);
        QuarkusTransaction.requiringNew().run(() -> {
            ModelWatchEntity stored = ModelWatchEntity.findById(w.id);
            stored.sourceCheckedAt = polled.sourceCheckedAt;
            stored.sourceEtag = polled.sourceEtag;
            stored.sourceLastModified = polled.sourceLastModified;
            stored.sourceSha256 = polled.sourceSha256;
        });
        if (found.isEmpty()) {
            return false;
        }
        SourcePoller.NewBytes bytes = found.get();
        try {
            ModelService.StoredVersion v = models.addVersion(w.tenantId, model.name, Uploads.of(bytes.file(), bytes.fileName(), bytes.size(), "sourceUri"));
            LOG.infof("nightly: %s of model %s is %s version %d", w.sourceUri, model.name, v.created() ? "new" : "the existing", v.version().version());
            return v.created();
        } finally {
            try {
                Files.deleteIfExists(bytes.file());
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }

    /** The model's newest finished search: the job whose spec and datasets a nightly job repeats. */
    static JobEntity lastSearch(String modelId) {
        return JobEntity.find("state = ?1 and modelVersionId in (select v.id from ModelVersionEntity v where v.modelId = ?2) "
                + "order by createdAt desc", JobState.DONE, modelId).firstResult();
    }

    private String whyNot(String watchId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            ModelWatchEntity w = ModelWatchEntity.findById(watchId);
            if (lastSearch(w.modelId) == null) {
                return "no finished search to repeat";
            }
            return w.onNewVersion || w.sourceUri != null ? "the newest version has a job already" : "watches nothing (onNewVersion false, no sourceUri)";
        });
    }

    private String modelName(String watchId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            ModelWatchEntity w = ModelWatchEntity.findById(watchId);
            ModelEntity m = w == null ? null : ModelEntity.findById(w.modelId);
            return m == null ? watchId : m.name;
        });
    }
}
