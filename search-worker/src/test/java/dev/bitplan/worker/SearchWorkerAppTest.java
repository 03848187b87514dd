package dev.bitplan.worker;

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
class SearchWorkerAppTest {

    @Inject
    WorkerLifecycle lifecycle;

    @Test
    void startsTheSearchLoopFromConfig() {
        assertInstanceOf(SearchWorker.class, lifecycle.worker());
        assertEquals(KafkaResource.WORKER_ID, lifecycle.worker().services().workerId());
        assertEquals(Topics.SEARCH_REQUESTS, lifecycle.worker().topic());
    }
}
