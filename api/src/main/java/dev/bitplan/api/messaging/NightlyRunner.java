package dev.bitplan.api.messaging;

import dev.bitplan.api.service.NightlyService;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Runs the nightly re-search at {@code bitplan.nightly.cron} (02:00 in the server's zone unless set; {@code off}: never)
 * or when asked ({@code POST /api/nightly/run}), then sends the search requests of the jobs it submitted.
 */
@ApplicationScoped
public class NightlyRunner {

    @Inject
    NightlyService nightly;

    @Inject
    SearchDispatcher dispatcher;

    @Scheduled(identity = "bitplan-nightly", cron = "{bitplan.nightly.cron}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        run("schedule");
    }

    public NightlyService.RunResult run(String trigger) {
        NightlyService.RunResult result = nightly.run(trigger);
        result.submitted().forEach(job -> dispatcher.dispatch(job.jobId()));
        return result;
    }
}
