package dev.bitplan.contracts.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.search.LayerSensitivity;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The events' JSON is what it was when one record held every kind (most of its fields null): workers and an api of
 * different builds can share a topic, and nothing reading the raw topic sees a difference.
 */
class JobEventJsonTest {

    private static void assertJson(String expected, JobEvent event) throws Exception {
        JsonNode written = Json.mapper().readTree(Json.write(event));
        assertEquals(Json.mapper().readTree(expected), written);
        assertEquals(event, Json.read(expected, JobEvent.class), "read back");
    }

    @Test
    void everyKindWritesTheFieldsOfTheOneRecordForm() throws Exception {
        assertJson("""
                {"jobId":"j","type":"STATE","state":"PROFILING","message":"started","worker":"w","atMillis":5}""",
                new JobEvent.StateChanged("j", JobState.PROFILING, "started", "w", 5));
        assertJson("""
                {"jobId":"j","type":"PROGRESS","stage":"sensitivity","done":3,"total":10,"worker":"w","atMillis":5}""",
                new JobEvent.Progress("j", "sensitivity", 3, 10, "w", 5));
        assertJson("""
                {"jobId":"j","type":"LAYER","stage":"sensitivity","layer":{"layer":"/conv1","options":[]},"worker":"w","atMillis":5}""",
                new JobEvent.LayerMeasured("j", new LayerSensitivity("/conv1", List.of()), "w", 5));
        assertJson("""
                {"jobId":"j","type":"FAILED","state":"FAILED","message":"no labels","worker":"w","atMillis":5}""",
                new JobEvent.Failed("j", "no labels", "w", 5));
        assertJson("""
                {"jobId":"j","type":"LOG","message":"resumed","worker":"w","atMillis":5}""",
                new JobEvent.Log("j", "resumed", "w", 5));
    }

    @Test
    void theTypeFieldChoosesTheRecord() {
        JobEvent e = Json.read("{\"jobId\":\"j\",\"type\":\"PROFILED\",\"worker\":\"w\",\"atMillis\":1}", JobEvent.class);
        assertInstanceOf(JobEvent.Profiled.class, e);
        assertEquals(JobEvent.Type.PROFILED, e.type());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Json.read("{\"jobId\":\"j\",\"type\":\"EXPLODED\",\"atMillis\":1}", JobEvent.class));
        assertTrue(unknown.getMessage().contains("EXPLODED"), unknown.getMessage());
        // a field of another kind is an error, as an unknown field always was
        assertThrows(IllegalArgumentException.class,
                () -> Json.read("{\"jobId\":\"j\",\"type\":\"LOG\",\"done\":1,\"atMillis\":1}", JobEvent.class));
    }

    @Test
    void factoriesStampTheTimeAndKind() {
        long before = System.currentTimeMillis();
        JobEvent.Failed f = JobEvent.failed("j", "why", "w");
        assertEquals(JobState.FAILED, f.state());
        assertTrue(f.atMillis() >= before);
        assertEquals(JobEvent.Type.LAYER, JobEvent.layer("j", new LayerSensitivity("/a", List.of()), "w").type());
    }
}
