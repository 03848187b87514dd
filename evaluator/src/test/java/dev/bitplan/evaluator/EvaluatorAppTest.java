package dev.bitplan.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.bitplan.contracts.messaging.Topics;
import dev.bitplan.workerapp.WorkerLifecycle;
import dev.bitplan.workerapp.testing.KafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The app starts from its configuration and runs its loop against a real broker. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class EvaluatorAppTest {

    @Inject
    WorkerLifecycle lifecycle;

    @Test
    void startsTheEvaluationLoopFromConfig() {
        assertInstanceOf(Evaluator.class, lifecycle.worker());
        assertEquals(KafkaResource.WORKER_ID, lifecycle.worker().services().workerId());
        assertEquals(Topics.EVAL_REQUESTS, lifecycle.worker().topic());
    }
}
