package dev.bitplan.messaging;

import dev.bitplan.contracts.config.ConfigKeys;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What every worker process is configured with, as typed values (the apps read them from the keys in
 * {@link ConfigKeys}: {@code bitplan.kafka.bootstrap}, {@code bitplan.api.url}, {@code bitplan.internal-token},
 * {@code bitplan.cache-dir}, {@code bitplan.worker.*}).
 *
 * @param workerId          names this worker in events and dead letters; also its static group membership id
 * @param sessionTimeoutMs  how soon the group notices a dead worker and hands its work to another
 * @param outageLimit       how long an unreachable api or broker is waited for before a try counts as failed
 */
public record WorkerSettings(String bootstrap, String apiUrl, String internalToken, Path cacheDir, String workerId, int sessionTimeoutMs,
                             RetryPolicy retry, Duration outageLimit) {

    public WorkerSettings {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException(ConfigKeys.KAFKA_BOOTSTRAP + " (BITPLAN_KAFKA_BOOTSTRAP) is not set");
        }
        if (apiUrl == null || apiUrl.isBlank()) {
            throw new IllegalArgumentException(ConfigKeys.API_URL + " (BITPLAN_API_URL) is not set");
        }
        cacheDir = cacheDir == null ? defaultCacheDir() : cacheDir;
        workerId = workerId == null || workerId.isBlank() ? defaultWorkerId() : workerId;
        retry = retry == null ? RetryPolicy.defaults() : retry;
        outageLimit = outageLimit == null ? OutageWait.DEFAULT_LIMIT : outageLimit;
        if (outageLimit.isNegative()) {
            throw new IllegalArgumentException(ConfigKeys.WORKER_OUTAGE_LIMIT_MS + " must be >= 0, got " + outageLimit.toMillis());
        }
    }

    /**
     * @param internalToken  empty or null when the api needs none
     * @param cacheDir       null for {@link #defaultCacheDir()}
     * @param workerId       null or blank for {@link #defaultWorkerId()}
     * @param maxAttempts    tries of one message, with the default first delay of {@link RetryPolicy}
     */
    public static WorkerSettings of(String bootstrap, String apiUrl, String internalToken, Path cacheDir, String workerId,
                                    int sessionTimeoutMs, int maxAttempts) {
        return new WorkerSettings(bootstrap, apiUrl, internalToken, cacheDir, workerId, sessionTimeoutMs,
                new RetryPolicy(maxAttempts, RetryPolicy.DEFAULT_FIRST_DELAY), null);
    }

    public WorkerSettings withOutageLimit(Duration limit) {
        return new WorkerSettings(bootstrap, apiUrl, internalToken, cacheDir, workerId, sessionTimeoutMs, retry, limit);
    }

    public WorkerSettings withRetry(int attempts, Duration firstDelay) {
        return new WorkerSettings(bootstrap, apiUrl, internalToken, cacheDir, workerId, sessionTimeoutMs, new RetryPolicy(attempts, firstDelay),
                outageLimit);
    }

    public static Path defaultCacheDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "bitplan-cache");
    }

    /** Host name and process id: unique per running process, so two workers never fence each other. */
    public static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "worker";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
