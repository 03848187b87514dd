package dev.bitplan.api.messaging;

import dev.bitplan.api.config.ApiConfig;
import dev.bitplan.messaging.TopicSetup;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** On start: creates the topics when missing, then starts applying worker results. */
@ApplicationScoped
public class KafkaStartup {

    private static final Logger LOG = Logger.getLogger(KafkaStartup.class);

    @Inject
    ApiConfig config;

    @Inject
    ResultConsumer consumer;

    void onStart(@Observes StartupEvent ev) {
        try {
            TopicSetup.ensure(config.kafka().bootstrap());
        } catch (RuntimeException e) {
            // the api still serves reads; readiness reports Kafka down, and the relay sends jobs once it is back
            LOG.errorf("Kafka topics not set up at %s: %s", config.kafka().bootstrap(), e.getMessage());
        }
        consumer.start();
    }
}
