package dev.bitplan.worker;

import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.messaging.JobEvent;
import dev.bitplan.contracts.messaging.Topics;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.messaging.ProgressThrottle;
import dev.bitplan.messaging.Publisher;
import dev.bitplan.messaging.WorkContext;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The progress listener of one search: stops the work when the job is cancelled, publishes throttled
 * progress, says when solving starts (after the last latency table) and tells the job how much a resume saved.
 */
final class JobProgress implements ProgressListener {

    static final long INTERVAL_MS = 500; // about 2 events a second per stage
    private static final Logger LOG = Logger.getLogger(JobProgress.class);

    private final String jobId;
    private final WorkContext context;
    private final Publisher publisher;
    private final ProgressThrottle throttle;
    private final int latencyTables;
    private final int knownLayers;
    private final AtomicInteger latencyTablesDone = new AtomicInteger();
    private final AtomicBoolean resumeLogged = new AtomicBoolean();

    JobProgress(String jobId, WorkContext context, Publisher publisher, int latencyTables, int knownLayers) {
        this.jobId = jobId;
        this.context = context;
        this.publisher = publisher;
        this.latencyTables = latencyTables;
        this.knownLayers = knownLayers;
        this.throttle = new ProgressThrottle(INTERVAL_MS,
                (stage, done, total) -> publisher.send(Topics.JOB_EVENTS, jobId, JobEvent.progress(jobId, stage, done, total, context.workerId())));
    }

    @Override
    public void progress(String stage, int done, int total) {
        context.checkCancelled(jobId);
        throttle.progress(stage, done, total);
        if (stage.equals("sensitivity") && knownLayers > 0 && resumeLogged.compareAndSet(false, true)) {
            String resumed = String.format(java.util.Locale.ROOT, "resumed job %s with %d of %d layers already measured", jobId, knownLayers, total);
            LOG.info(resumed);
            publisher.send(Topics.JOB_EVENTS, jobId, JobEvent.log(jobId, resumed, context.workerId())); // the job's history shows the takeover
        }
        if (stage.equals("latency table") && done == total && latencyTablesDone.incrementAndGet() == latencyTables) {
            publisher.send(Topics.JOB_EVENTS, jobId, JobEvent.state(jobId, JobState.SOLVING, "solving for a sweep of budgets", context.workerId()));
        }
    }
}
