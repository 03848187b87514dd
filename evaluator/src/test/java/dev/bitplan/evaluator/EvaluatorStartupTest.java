package dev.bitplan.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The app starts from its configuration and runs its loop against a real broker. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class EvaluatorStartupTest {

    @Inject
    EvaluatorStartup startup;

    @Test
    void startsTheEvaluationLoopFromConfig() {
        assertEquals("quarkus-test-worker", startup.evaluator().services().workerId());
    }
}
