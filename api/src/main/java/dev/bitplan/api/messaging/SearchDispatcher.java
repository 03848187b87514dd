package dev.bitplan.api.messaging;

import dev.bitplan.api.persistence.JobEntity;
import dev.bitplan.api.service.JobService;
import dev.bitplan.contracts.messaging.JobControl;
import dev.bitplan.contracts.messaging.Topics;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Sends a job's {@code SearchRequested} after the job is committed, and marks it sent. A small outbox: jobs still
 * QUEUED and unsent after {@link #RELAY_AFTER} (Kafka was down, or the api stopped in between) are sent again by
 * a relay that runs every few seconds, so no submitted job is lost. A rare double send is possible (the send
 * succeeded but marking it did not); the search worker skips the second copy, because the first record to claim
 * the job ({@code POST /internal/jobs/{id}/search-claim}) holds it.
 */
@ApplicationScoped
public class SearchDispatcher {

    private static final Logger LOG = Logger.getLogger(SearchDispatcher.class);
    static final Duration RELAY_AFTER = Duration.ofSeconds(30);

    @Inject
    KafkaPublisher publisher;

    @Inject
    JobService jobs;

    private ScheduledExecutorService relay;

    void start(@Observes StartupEvent ev) {
        relay = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bitplan-search-relay");
            t.setDaemon(true);
            return t;
        });
        relay.scheduleWithFixedDelay(this::relayUnsent, 5, 5, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent ev) {
        if (relay != null) {
            relay.shutdownNow();
        }
    }

    /** Sends now; on failure the job stays unsent and the relay tries again. */
    public boolean dispatch(String jobId) {
        try {
            publisher.send(Topics.SEARCH_REQUESTS, jobId, jobs.searchRequest(jobId));
            QuarkusTransaction.requiringNew().run(() -> JobEntity.update("publishedAt = ?1 where id = ?2", Instant.now(), jobId));
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("job %s: search request not sent yet (%s); the relay retries", jobId, e.getMessage());
            return false;
        }
    }

    public void cancel(String jobId) {
        try {
            publisher.send(Topics.JOB_CONTROL, jobId, new JobControl(jobId, JobControl.Action.CANCEL));
        } catch (RuntimeException e) {
            // the job is CANCELLED in the database already: its late results are dropped either way
            LOG.warnf("job %s: cancel not sent to workers (%s)", jobId, e.getMessage());
        }
    }

    void relayUnsent() {
        try {
            List<String> unsent = QuarkusTransaction.requiringNew().call(() ->
                    JobEntity.unpublished(Instant.now().minus(RELAY_AFTER)).stream().map(j -> j.id).toList());
            for (String id : unsent) {
                dispatch(id);
            }
        } catch (RuntimeException e) {
            LOG.warnf("search relay: %s", e.getMessage());
        }
    }
}
