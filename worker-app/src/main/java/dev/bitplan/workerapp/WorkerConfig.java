package dev.bitplan.workerapp;

import dev.bitplan.contracts.config.ConfigKeys;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.messaging.WorkerSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A worker app's configuration, typed: the keys of {@link ConfigKeys} that workers read (environment variables such
 * as {@code BITPLAN_KAFKA_BOOTSTRAP} work as well). The api's keys share the {@code bitplan} prefix and often the
 * environment; this jar's {@code META-INF/microprofile-config.properties} keeps such keys from failing the start.
 */
@ConfigMapping(prefix = ConfigKeys.PREFIX)
public interface WorkerConfig {

    Kafka kafka();

    Api api();

    /** {@link ConfigKeys#INTERNAL_TOKEN}: sent to the api's internal endpoints. */
    @WithName("internal-token")
    Optional<String> internalToken();

    /** {@link ConfigKeys#CACHE_DIR}; unset: {@link WorkerSettings#defaultCacheDir()}. */
    @WithName("cache-dir")
    Optional<Path> cacheDir();

    Worker worker();

    /** {@code bitplan.kafka.*}. */
    interface Kafka {
        /** {@link ConfigKeys#KAFKA_BOOTSTRAP}; required. */
        String bootstrap();
    }

    /** {@code bitplan.api.*}. */
    interface Api {
        /** {@link ConfigKeys#API_URL}; required. */
        String url();
    }

    /** {@code bitplan.worker.*}. */
    interface Worker {
        /** {@link ConfigKeys#WORKER_ID}; unset: {@link WorkerSettings#defaultWorkerId()}. */
        Optional<String> id();

        /** {@link ConfigKeys#WORKER_SESSION_TIMEOUT_MS}. */
        @WithName("session-timeout-ms")
        @WithDefault("10000")
        int sessionTimeoutMs();

        /** {@link ConfigKeys#WORKER_MAX_ATTEMPTS}. */
        @WithName("max-attempts")
        @WithDefault("3")
        int maxAttempts();

        /** {@link ConfigKeys#WORKER_OUTAGE_LIMIT_MS}: how long an unreachable api or broker is waited for. */
        @WithName("outage-limit-ms")
        @WithDefault("600000")
        long outageLimitMs();

        /** {@link ConfigKeys#WORKER_THREADS}: ONNX Runtime threads, 0 for all cores. */
        @WithDefault("0")
        int threads();
    }

    /** The messaging side of this configuration. */
    default WorkerSettings settings() {
        return WorkerSettings.of(kafka().bootstrap(), api().url(), internalToken().orElse(""), cacheDir().orElse(null),
                worker().id().orElse(null), worker().sessionTimeoutMs(), worker().maxAttempts())
                .withOutageLimit(java.time.Duration.ofMillis(worker().outageLimitMs()));
    }

    /** The ONNX Runtime side: {@link ConfigKeys#WORKER_THREADS} threads, or all cores when it is 0. */
    default RuntimeOptions runtimeOptions() {
        int threads = worker().threads();
        return threads > 0 ? new RuntimeOptions(threads, true) : RuntimeOptions.defaults();
    }
}
