package dev.bitplan.worker;

import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.messaging.EvaluateCandidate;
import dev.bitplan.contracts.messaging.JobEvent;
import dev.bitplan.contracts.messaging.SearchRequested;
import dev.bitplan.contracts.messaging.Topics;
import dev.bitplan.contracts.search.CandidateProposal;
import dev.bitplan.contracts.search.LayerSensitivity;
import dev.bitplan.contracts.search.SearchProfile;
import dev.bitplan.contracts.search.SearchReport;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.messaging.FailureReasons;
import dev.bitplan.messaging.JobStatus;
import dev.bitplan.messaging.Publisher;
import dev.bitplan.messaging.WorkContext;
import dev.bitplan.messaging.WorkHandler;
import dev.bitplan.messaging.WorkerServices;
import dev.bitplan.search.SearchErrors;
import dev.bitplan.search.SearchRequest;
import dev.bitplan.search.SearchSession;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The measuring half of one job: fetch its files, calibrate, measure every layer's sensitivity (publishing
 * each layer durably, so a restarted worker resumes), the latency table, solve a sweep of budgets, then
 * publish the profile and one evaluation request per proposal.
 */
public final class SearchJobHandler implements WorkHandler<SearchRequested> {

    private static final Logger LOG = Logger.getLogger(SearchJobHandler.class);

    private final WorkerServices services;
    private final RuntimeOptions runtime;

    public SearchJobHandler(WorkerServices services, RuntimeOptions runtime) {
        this.services = services;
        this.runtime = runtime;
    }

    @Override
    public void handle(SearchRequested request, WorkContext context) {
        String jobId = require(request);
        String worker = context.workerId();
        Publisher publisher = services.publisher();
        Optional<JobStatus> status = services.api().jobStatus(jobId);
        if (status.isEmpty()) {
            LOG.warnf("job %s is unknown to the api (deleted?); skipping its search request", jobId);
            return;
        }
        if (status.get().state() != null && status.get().state().terminal()) {
            if (status.get().state() == JobState.CANCELLED) {
                context.cancel(jobId);
            }
            LOG.infof("job %s is already %s; skipping its search request", jobId, status.get().state());
            return;
        }
        context.checkCancelled(jobId);
        Optional<String> holder = services.api().claimSearch(jobId, context.record(), worker);
        if (holder.isPresent() && !holder.get().equals(context.record())) {
            // the api's outbox sent this request twice (the send worked, marking it sent did not): one search is enough
            String why = "a second search request for this job (" + context.record() + ") was skipped: " + holder.get() + " took the job up";
            LOG.infof("job %s: %s", jobId, why);
            publisher.sendAndFlush(Topics.JOB_EVENTS, jobId, JobEvent.log(jobId, why, worker));
            return;
        }

        Path model = services.blobs().get(request.modelSha256());
        Path data = services.blobs().get(request.dataSha256());
        Path calibration = request.calibrationDataSha256() == null ? null : services.blobs().get(request.calibrationDataSha256());
        Map<String, LayerSensitivity> known = new LinkedHashMap<>();
        status.get().sensitivity().forEach(l -> known.put(l.layer(), l));

        JobSpec spec = request.spec();
        publisher.sendAndFlush(Topics.JOB_EVENTS, jobId, JobEvent.state(jobId, JobState.PROFILING,
                (known.isEmpty() ? "profiling on " : "resuming on ") + worker, worker));
        JobProgress progress = new JobProgress(jobId, context, publisher, spec.latencyBatch() > 1 ? 2 : 1, known.size());
        AtomicInteger measured = new AtomicInteger();
        SearchProfile profile;
        SearchSession session = new SearchSession(SearchRequest.from(spec, model, data, calibration), runtime, progress);
        profile = session.profile(known, status.get().latency(), layer -> {
            context.checkCancelled(jobId);
            publisher.sendAndFlush(Topics.JOB_EVENTS, jobId, JobEvent.layer(jobId, layer, worker));
            measured.incrementAndGet();
        });
        profile = withUploadedNames(profile, request);
        publisher.sendAndFlush(Topics.JOB_EVENTS, jobId, JobEvent.profiled(jobId, profile, worker));
        for (CandidateProposal p : profile.proposals()) {
            String candidateId = EvaluateCandidate.candidateId(jobId, p.id());
            publisher.sendAndFlush(Topics.EVAL_REQUESTS, candidateId, new EvaluateCandidate(jobId, candidateId, request.modelSha256(),
                    request.dataSha256(), request.calibrationDataSha256(), spec, p, request.trainDataSha256()));
        }
        publisher.sendAndFlush(Topics.JOB_EVENTS, jobId, JobEvent.state(jobId, JobState.EVALUATING,
                profile.proposals().size() + " candidates to measure", worker));
        LOG.infof("job %s profiled: %d layers measured here, %d reused, %d candidates sent for evaluation", jobId, measured.get(),
                known.size(), profile.proposals().size());
    }

    @Override
    public void deadLettered(String key, SearchRequested request, Throwable error, int attempts) {
        String jobId = request != null && request.jobId() != null ? request.jobId() : key;
        if (jobId == null) {
            return; // nothing to tell; the dead letter keeps the record
        }
        String reason = request == null ? "the search request could not be read (" + FailureReasons.text(error) + "); submit the job again"
                : FailureReasons.describe(error, attempts, names(request), SearchErrors::permanent);
        services.publisher().sendAndFlush(Topics.JOB_EVENTS, jobId, JobEvent.failed(jobId, reason, services.workerId()));
    }

    private Map<String, String> names(SearchRequested r) {
        Map<String, String> byHash = new LinkedHashMap<>();
        byHash.put(r.modelSha256(), "model '" + orHash(r.modelName(), r.modelSha256()) + "'");
        byHash.put(r.dataSha256(), "dataset '" + orHash(r.dataName(), r.dataSha256()) + "'");
        if (r.calibrationDataSha256() != null) {
            byHash.putIfAbsent(r.calibrationDataSha256(), "calibration dataset " + r.calibrationDataSha256().substring(0, 12));
        }
        return FailureReasons.names(byHash, sha -> services.blobs().dir().resolve(sha).toString());
    }

    private static String orHash(String name, String sha) {
        return name != null && !name.isBlank() ? name : sha == null ? "?" : sha.substring(0, Math.min(12, sha.length()));
    }

    /** The session sees cache files named by hash; the report shows what the user uploaded. */
    private static SearchProfile withUploadedNames(SearchProfile p, SearchRequested r) {
        SearchReport.Inputs in = p.inputs();
        SearchReport.Inputs named = new SearchReport.Inputs(orHash(r.modelName(), in.modelSha256()), in.modelSha256(),
                orHash(r.dataName(), in.dataSha256()), in.dataSha256(), in.calibrationSamples(), in.sensitivitySamples(), in.validationSamples());
        return new SearchProfile(p.metricName(), named, p.settings(), p.fp32(), p.budgets(), p.layers(), p.pairs(), p.proposals(),
                p.latencyOverheadMs(), p.stageMillis());
    }

    private static String require(SearchRequested r) {
        if (r.jobId() == null || r.jobId().isBlank()) {
            throw new IllegalArgumentException("search request without a job id");
        }
        if (r.modelSha256() == null || r.dataSha256() == null || r.spec() == null) {
            throw new IllegalArgumentException("search request for job " + r.jobId() + " lacks its model, dataset or spec");
        }
        return r.jobId();
    }
}
