package dev.bitplan.api.support;

import dev.bitplan.contracts.config.ConfigKeys;
import dev.bitplan.stack.LocalKafka;
import dev.bitplan.stack.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** A real embedded PostgreSQL and a real in-JVM Kafka broker for the api's tests. */
public class ApiTestResources implements QuarkusTestResourceLifecycleManager {

    /** The broker's address, for tests that publish and consume as a worker would. */
    public static volatile String bootstrap;

    private LocalPostgres postgres;
    private LocalKafka kafka;

    @Override
    public Map<String, String> start() {
        postgres = LocalPostgres.start(null, 0);
        kafka = LocalKafka.start(null, 0);
        bootstrap = kafka.bootstrapServers();
        return Map.of(
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(),
                "quarkus.datasource.username", LocalPostgres.USER,
                "quarkus.datasource.password", postgres.password(),
                ConfigKeys.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
    }

    @Override
    public void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
