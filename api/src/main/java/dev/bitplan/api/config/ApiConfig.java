package dev.bitplan.api.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The api's settings. Plain {@code @ConfigProperty} injection rather than a mapping of the whole {@code bitplan}
 * prefix, because workers and tests put their own {@code bitplan.*} keys into the same environment.
 */
@ApplicationScoped
public class ApiConfig {

    @ConfigProperty(name = "bitplan.kafka.bootstrap")
    String kafkaBootstrap;

    @ConfigProperty(name = "bitplan.admin-token")
    Optional<String> adminToken;

    @ConfigProperty(name = "bitplan.internal-token")
    Optional<String> internalToken;

    @ConfigProperty(name = "bitplan.limits.model-bytes", defaultValue = "536870912")
    long modelBytes;

    @ConfigProperty(name = "bitplan.limits.dataset-bytes", defaultValue = "1073741824")
    long datasetBytes;

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    public Optional<String> adminToken() {
        return adminToken.filter(t -> !t.isBlank());
    }

    public Optional<String> internalToken() {
        return internalToken.filter(t -> !t.isBlank());
    }

    public long modelBytes() {
        return modelBytes;
    }

    public long datasetBytes() {
        return datasetBytes;
    }
}
