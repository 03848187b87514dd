package dev.bitplan.api.config;

import dev.bitplan.contracts.config.ConfigKeys;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * The api's settings, the {@code bitplan.*} keys of {@link ConfigKeys} that the api reads. Keys under the same
 * prefix that only workers or tests read ({@code bitplan.api.url}, {@code bitplan.worker.*}, {@code bitplan.fixtures})
 * may share the environment: {@code application.properties} turns off Quarkus's refusal of keys a mapping leaves
 * unmapped ({@code quarkus.config.mapping.validate-unknown=false}).
 */
@ConfigMapping(prefix = ConfigKeys.PREFIX)
public interface ApiConfig {

    /** Kafka, where jobs are published and workers' events and results are read. */
    Kafka kafka();

    /**
     * The admin token ({@code bitplan.admin-token}), which creates tenants and their tokens; empty when unset or
     * blank, and then every admin call is refused.
     */
    @WithConverter(BlankIsUnset.class)
    Optional<String> adminToken();

    /**
     * The token workers send to {@code /internal/**} ({@code bitplan.internal-token}); empty when unset or blank,
     * and then every internal call is refused.
     */
    @WithConverter(BlankIsUnset.class)
    Optional<String> internalToken();

    /** The largest uploads accepted. */
    Limits limits();

    /** {@code bitplan.nightly.*}: the nightly re-search of watched models. */
    Nightly nightly();

    /** {@code bitplan.nightly.*} */
    interface Nightly {

        /** When it runs ({@code bitplan.nightly.cron}), seconds first, in the server's zone; {@code off}: never by itself. */
        @WithDefault("0 0 2 * * ?")
        String cron();

        /** A drop of the best metric within the budgets beyond this is a regression ({@code bitplan.nightly.regression-threshold}). */
        @WithDefault("0.005")
        double regressionThreshold();

        /** How long a source URI may take to answer ({@code bitplan.nightly.source-timeout-ms}). */
        @WithDefault("30000")
        long sourceTimeoutMs();
    }

    /** {@code bitplan.api.*}: this api process. */
    Api api();

    /** {@code bitplan.api.*} */
    interface Api {

        /** Static Kafka membership id of this api's result consumer ({@code bitplan.api.instance-id}); empty: dynamic. */
        @WithConverter(BlankIsUnset.class)
        Optional<String> instanceId();
    }

    /** {@code bitplan.kafka.*} */
    interface Kafka {

        /** Bootstrap servers, host:port, comma-separated ({@code bitplan.kafka.bootstrap}). */
        String bootstrap();
    }

    /** {@code bitplan.limits.*} */
    interface Limits {

        /** The largest model upload in bytes ({@code bitplan.limits.model-bytes}), 512 MiB by default. */
        @WithDefault("536870912")
        long modelBytes();

        /**
         * The largest dataset upload in bytes, and the most an NPZ file may unpack to
         * ({@code bitplan.limits.dataset-bytes}), 1 GiB by default.
         */
        @WithDefault("1073741824")
        long datasetBytes();
    }
}
