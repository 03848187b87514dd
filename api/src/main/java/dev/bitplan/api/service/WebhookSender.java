package dev.bitplan.api.service;

import dev.bitplan.api.persistence.NightlyJobEntity;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Posts nightly regressions to their model's webhook from the outbox in {@code nightly_jobs} (rows whose status is
 * {@link #PENDING}, written in the transaction that found the regression): committed before anything is sent, kept if
 * the api stops, and claimed row by row ({@code pending -> sending}), so two api instances never post one twice.
 * A failed post is recorded, not retried: the history still shows the regression.
 */
@ApplicationScoped
public class WebhookSender {

    static final String PENDING = "pending";
    private static final Logger LOG = Logger.getLogger(WebhookSender.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();

    @Scheduled(identity = "bitplan-webhooks", every = "2s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sendPending() {
        List<String> due = QuarkusTransaction.requiringNew().call(() -> NightlyJobEntity.<NightlyJobEntity>list("webhookStatus", PENDING)
                .stream().map(n -> n.jobId).toList());
        for (String jobId : due) {
            boolean claimed = QuarkusTransaction.requiringNew().call(() ->
                    NightlyJobEntity.update("webhookStatus = 'sending' where jobId = ?1 and webhookStatus = ?2", jobId, PENDING) == 1);
            if (claimed) {
                NightlyJobEntity n = QuarkusTransaction.requiringNew().call(() -> NightlyJobEntity.findById(jobId));
                String status = post(n.webhookUrl, n.webhookBody);
                LOG.infof("nightly regression of job %s posted to %s: %s", jobId, n.webhookUrl, status);
                QuarkusTransaction.requiringNew().run(() -> NightlyJobEntity.update("webhookStatus = ?1 where jobId = ?2", status, jobId));
            }
        }
    }

    private String post(String url, String body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).header("Content-Type", "application/json")
                    .header("User-Agent", "BitPlan-nightly").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            int code = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return (code / 100 == 2 ? "sent " : "refused ") + code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "failed: interrupted";
        } catch (Exception e) {
            return "failed: " + e;
        }
    }
}
