package dev.bitplan.api.rest;

import dev.bitplan.api.service.JobService;
import dev.bitplan.api.service.Views.JobView;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Follows a job for server-sent events by reading its row a few times a second and emitting it when it changed;
 * reading the database (not an in-memory bus) lets any api instance serve any job.
 */
@ApplicationScoped
public class JobEventStream {

    private static final long POLL_MILLIS = 300;

    @Inject
    JobService jobs;

    private final ExecutorService pollers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bitplan-sse");
        t.setDaemon(true);
        return t;
    });

    public Multi<JobView> follow(String tenantId, String jobId) {
        return Multi.createFrom().emitter(emitter -> pollers.submit(() -> {
            JobView last = null;
            try {
                while (!emitter.isCancelled()) {
                    JobView now = jobs.get(tenantId, jobId);
                    if (!now.equals(last)) {
                        emitter.emit(now);
                        last = now;
                    }
                    if (now.state().terminal()) {
                        emitter.complete();
                        return;
                    }
                    Thread.sleep(POLL_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                emitter.complete();
            } catch (RuntimeException e) {
                emitter.fail(e);
            }
        }));
    }
}
