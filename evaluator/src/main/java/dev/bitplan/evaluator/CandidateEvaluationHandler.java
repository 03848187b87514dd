package dev.bitplan.evaluator;

import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.job.Method;
import dev.bitplan.contracts.messaging.CandidateEvaluated;
import dev.bitplan.contracts.messaging.EvaluateCandidate;
import dev.bitplan.contracts.messaging.JobEvent;
import dev.bitplan.contracts.messaging.Topics;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.messaging.FailureReasons;
import dev.bitplan.messaging.PermanentFailure;
import dev.bitplan.messaging.ProgressThrottle;
import dev.bitplan.messaging.WorkContext;
import dev.bitplan.messaging.WorkHandler;
import dev.bitplan.messaging.WorkerServices;
import dev.bitplan.qat.QatCandidateTuner;
import dev.bitplan.search.MeasuredCandidate;
import dev.bitplan.search.SearchErrors;
import dev.bitplan.search.SearchRequest;
import dev.bitplan.search.SearchSession;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Measures one candidate: score its plan on the validation samples, export it, run it as deployed, time it,
 * upload the deployable model to the api's blob store and publish the figures with its address. Candidates of one job on this evaluator share a session,
 * so the model is loaded and calibrated once.
 */
public final class CandidateEvaluationHandler implements WorkHandler<EvaluateCandidate> {

    static final String QAT_WITHOUT_TRAIN_DATA = "method qat needs the job's trainData (the dataset QAT fine-tunes on); submit it again with spec.trainData";
    private static final Logger LOG = Logger.getLogger(CandidateEvaluationHandler.class);
    private static final long PROGRESS_INTERVAL_MS = 1000;

    private final WorkerServices services;
    private final RuntimeOptions runtime;
    private final SessionCache sessions = new SessionCache(2);
    private final JobStates jobs;

    public CandidateEvaluationHandler(WorkerServices services, RuntimeOptions runtime) {
        this.services = services;
        this.runtime = runtime;
        this.jobs = new JobStates(services.api(), Duration.ofSeconds(5));
    }

    @Override
    public void handle(EvaluateCandidate request, WorkContext context) {
        require(request);
        String jobId = request.jobId();
        Optional<JobState> state = jobs.state(jobId);
        if (state.isEmpty()) {
            LOG.warnf("job %s is unknown to the api (deleted?); skipping candidate %s", jobId, request.candidateId());
            return;
        }
        if (state.get().terminal()) {
            if (state.get() == JobState.CANCELLED) {
                context.cancel(jobId);
            }
            LOG.infof("job %s is already %s; skipping candidate %s", jobId, state.get(), request.candidateId());
            return;
        }
        context.checkCancelled(jobId);
        boolean qat = request.spec().method() == Method.QAT;
        if (qat && request.trainDataSha256() == null) {
            throw new PermanentFailure(QAT_WITHOUT_TRAIN_DATA);
        }

        Path model = services.blobs().get(request.modelSha256());
        Path data = services.blobs().get(request.dataSha256());
        Path calibration = request.calibrationDataSha256() == null ? null : services.blobs().get(request.calibrationDataSha256());
        Path train = qat ? services.blobs().get(request.trainDataSha256()) : null;
        SessionCache.Key key = SessionCache.Key.of(request.modelSha256(), request.dataSha256(), request.calibrationDataSha256(),
                request.trainDataSha256(), request.spec());
        SessionCache.Entry entry = sessions.get(key,
                listener -> new SearchSession(SearchRequest.from(request.spec(), model, data, calibration), runtime, listener));
        ProgressListener progress = progress(request, context);
        entry.reportTo(progress);
        MeasuredCandidate measured;
        try {
            measured = entry.session.measure(request.proposal());
            if (qat) {
                // each training step reports progress, and the listener stops the training there when the job is cancelled
                measured = entry.tuner(() -> new QatCandidateTuner(train, QatCandidateTuner.budget(request.spec().qatSteps(),
                        request.spec().qatEpochs()).withLearnRanges(request.spec().learnsRanges()))).tune(entry.session, request.proposal(), measured, progress);
            }
        } catch (RuntimeException e) {
            sessions.evict(key); // it may have stopped halfway through calibrating: do not reuse it
            throw e;
        } finally {
            entry.reportTo(null);
        }
        // the FP32 baseline's deployable model is the uploaded one, which the api has; any other goes to the blob store
        // first (chunked, verified, resumable), so the result carries only its address, whatever the model's size
        String artifact = request.proposal().fp32() || measured.exported() == null ? null
                : services.uploads().upload(measured.exported().bytes(), "application/onnx");
        services.publisher().sendAndFlush(Topics.EVAL_RESULTS, request.candidateId(), new CandidateEvaluated(jobId, request.candidateId(),
                measured.candidate(), artifact, context.workerId()));
        LOG.infof("candidate %s measured: metric %.4f, %d bytes", request.candidateId(), measured.candidate().metric(),
                measured.candidate().sizeBytes());
    }

    @Override
    public void deadLettered(String key, EvaluateCandidate request, Throwable error, int attempts) {
        String jobId = request != null && request.jobId() != null ? request.jobId() : jobOf(key);
        if (jobId == null) {
            return;
        }
        String reason = request == null ? "an evaluation request could not be read (" + FailureReasons.text(error) + "); submit the job again"
                : "candidate " + request.proposal().id() + ": " + FailureReasons.describe(error, attempts, names(request), SearchErrors::permanent);
        if (error instanceof PermanentFailure && QAT_WITHOUT_TRAIN_DATA.equals(error.getMessage())) {
            reason = QAT_WITHOUT_TRAIN_DATA;
        }
        services.publisher().sendAndFlush(Topics.JOB_EVENTS, jobId, JobEvent.failed(jobId, reason, services.workerId()));
    }

    /** Throttled progress under the candidate's name; also where cancellation stops the work. */
    private ProgressListener progress(EvaluateCandidate request, WorkContext context) {
        String jobId = request.jobId();
        ProgressThrottle throttle = new ProgressThrottle(PROGRESS_INTERVAL_MS, (stage, done, total) -> services.publisher().send(
                Topics.JOB_EVENTS, jobId, JobEvent.progress(jobId, "candidate " + request.proposal().id() + ": " + stage, done, total,
                        context.workerId())));
        return (stage, done, total) -> {
            context.checkCancelled(jobId);
            throttle.progress(stage, done, total);
        };
    }

    private Map<String, String> names(EvaluateCandidate r) {
        Map<String, String> byHash = new LinkedHashMap<>();
        byHash.put(r.modelSha256(), "the model (sha256 " + r.modelSha256().substring(0, 12) + ")");
        byHash.put(r.dataSha256(), "the dataset (sha256 " + r.dataSha256().substring(0, 12) + ")");
        if (r.calibrationDataSha256() != null) {
            byHash.putIfAbsent(r.calibrationDataSha256(), "the calibration dataset (sha256 " + r.calibrationDataSha256().substring(0, 12) + ")");
        }
        if (r.trainDataSha256() != null) {
            byHash.putIfAbsent(r.trainDataSha256(), "the training dataset (sha256 " + r.trainDataSha256().substring(0, 12) + ")");
        }
        return FailureReasons.names(byHash, sha -> services.blobs().dir().resolve(sha).toString());
    }

    /** Candidate ids are {@code <jobId>:<proposal id>}. */
    static String jobOf(String candidateId) {
        if (candidateId == null) {
            return null;
        }
        int colon = candidateId.lastIndexOf(':');
        return colon > 0 ? candidateId.substring(0, colon) : candidateId;
    }

    private static void require(EvaluateCandidate r) {
        if (r.jobId() == null || r.candidateId() == null || r.proposal() == null || r.spec() == null
                || r.modelSha256() == null || r.dataSha256() == null) {
            throw new IllegalArgumentException("evaluation request " + r.candidateId() + " lacks its job, candidate, plan, spec or files");
        }
    }

}
