package dev.bitplan.messaging;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * What every worker process is configured with (config keys {@code bitplan.kafka.bootstrap}, {@code bitplan.api.url},
 * {@code bitplan.internal-token}, {@code bitplan.cache-dir}, {@code bitplan.worker.*}).
 *
 * @param workerId          names this worker in events and dead letters; also its static group membership id
 * @param sessionTimeoutMs  how soon the group notices a dead worker and hands its work to another
 */
public record WorkerSettings(String bootstrap, String apiUrl, String internalToken, Path cacheDir, String workerId, int sessionTimeoutMs,
                             RetryPolicy retry) {

    public WorkerSettings {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("bitplan.kafka.bootstrap (BITPLAN_KAFKA_BOOTSTRAP) is not set");
        }
        if (apiUrl == null || apiUrl.isBlank()) {
            throw new IllegalArgumentException("bitplan.api.url (BITPLAN_API_URL) is not set");
        }
        cacheDir = cacheDir == null ? defaultCacheDir() : cacheDir;
        workerId = workerId == null || workerId.isBlank() ? defaultWorkerId() : workerId;
        retry = retry == null ? RetryPolicy.defaults() : retry;
    }

    public static WorkerSettings of(String bootstrap, String apiUrl, String internalToken, Path cacheDir, String workerId,
                                    int sessionTimeoutMs, int maxAttempts) {
        return new WorkerSettings(bootstrap, apiUrl, internalToken, cacheDir, workerId, sessionTimeoutMs,
                new RetryPolicy(maxAttempts, RetryPolicy.DEFAULT_FIRST_DELAY));
    }

    /**
     * The settings from a worker app's configuration, given as a key lookup so that this module needs no config
     * framework (the apps pass MicroProfile config, where {@code BITPLAN_KAFKA_BOOTSTRAP} etc. work as well).
     *
     * @throws IllegalArgumentException naming the key, when a required key is missing or a number is not one
     */
    public static WorkerSettings fromConfig(Function<String, Optional<String>> config) {
        return of(config.apply("bitplan.kafka.bootstrap").orElse(null), config.apply("bitplan.api.url").orElse(null),
                config.apply("bitplan.internal-token").orElse(""), config.apply("bitplan.cache-dir").map(Path::of).orElse(null),
                config.apply("bitplan.worker.id").orElse(null), number(config, "bitplan.worker.session-timeout-ms", 10_000),
                number(config, "bitplan.worker.max-attempts", RetryPolicy.DEFAULT_ATTEMPTS));
    }

    /**
     * ONNX Runtime threads from {@code bitplan.worker.threads}; 0 (the default) means all cores. A plain number, as the
     * runtime's options live in the engine, which this module does not know.
     */
    public static int runtimeThreads(Function<String, Optional<String>> config) {
        return number(config, "bitplan.worker.threads", 0);
    }

    private static int number(Function<String, Optional<String>> config, String key, int fallback) {
        String value = config.apply(key).map(String::trim).orElse("");
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + value + "'");
        }
    }

    public WorkerSettings withRetry(int attempts, Duration firstDelay) {
        return new WorkerSettings(bootstrap, apiUrl, internalToken, cacheDir, workerId, sessionTimeoutMs, new RetryPolicy(attempts, firstDelay));
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
