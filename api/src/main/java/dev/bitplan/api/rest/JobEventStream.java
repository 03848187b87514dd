package dev.bitplan.api.rest;

import dev.bitplan.api.service.JobService;
import dev.bitplan.api.service.Views.JobView;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Follows jobs for server-sent events: one poller thread reads every followed job's row a few times a second (one
 * read per job, not per follower) and {@link JobFanOut} sends each follower the job when it changed. Reading the
 * database (not an in-memory bus) lets any api instance serve any job.
 */
@ApplicationScoped
public class JobEventStream {

    private static final Logger LOG = Logger.getLogger(JobEventStream.class);
    static final long POLL_MILLIS = 300;

    @Inject
    JobService jobs;

    private final JobFanOut<JobView> fanOut = new JobFanOut<>(v -> v.state().terminal());
    private ScheduledExecutorService poller;

    @PostConstruct
    void start() {
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bitplan-sse-poller");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::tick, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The job's views as it changes, ending with its terminal state; the caller has checked that the tenant owns it. */
    public Multi<JobView> follow(String jobId) {
        return Multi.createFrom().emitter(emitter -> {
            Runnable stop = fanOut.add(jobId, new JobFanOut.Sink<>() {
                @Override
                public void emit(JobView view) {
                    emitter.emit(view);
                }

                @Override
                public void complete() {
                    emitter.complete();
                }
            });
            emitter.onTermination(stop);
        });
    }

    /** How many streams are open now. */
    int followers() {
        return fanOut.followers();
    }

    private void tick() {
        Set<String> followed = fanOut.jobs();
        if (followed.isEmpty()) {
            return;
        }
        try {
            fanOut.deliver(followed, jobs.viewsOf(followed));
        } catch (RuntimeException e) {
            // the database is away for a moment: the streams stay open and the next tick tries again
            LOG.warnf("cannot read the %d followed jobs: %s", followed.size(), e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
