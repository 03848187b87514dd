package dev.bitplan.api.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.api.rest.JobRequestReader;
import dev.bitplan.api.service.Views.ArrayInfo;
import dev.bitplan.api.service.problems.InvalidRequestException;
import dev.bitplan.api.service.problems.UnprocessableRequestException;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.report.ModelInspection.TensorSpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The api's plain classes, without Quarkus. */
class PlainLogicTest {

    @Test
    void statesMoveForwardAndNeverLeaveTheEnd() {
        assertTrue(JobStateMachine.canMove(JobState.QUEUED, JobState.PROFILING));
        assertTrue(JobStateMachine.canMove(JobState.PROFILING, JobState.EVALUATING), "a step may be skipped");
        assertTrue(JobStateMachine.canMove(JobState.SOLVING, JobState.CANCELLED));
        assertTrue(JobStateMachine.canMove(JobState.QUEUED, JobState.FAILED));
        assertFalse(JobStateMachine.canMove(JobState.SOLVING, JobState.PROFILING), "no way back");
        assertFalse(JobStateMachine.canMove(JobState.DONE, JobState.FAILED));
        assertFalse(JobStateMachine.canMove(JobState.CANCELLED, JobState.DONE));
        assertFalse(JobStateMachine.canMove(JobState.EVALUATING, JobState.EVALUATING));
    }

    @Test
    void etaFollowsTheRateOfTheCurrentStage() {
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        assertNull(EtaEstimator.secondsLeft(start, 0, start, 0, 10), "nothing timed yet");
        assertEquals(80L, EtaEstimator.secondsLeft(start, 0, start.plusSeconds(20), 2, 10), "10 s a step, 8 to go");
        assertEquals(10L, EtaEstimator.secondsLeft(start, 4, start.plusSeconds(10), 5, 6), "counts only this stage's steps");
        assertEquals(0L, EtaEstimator.secondsLeft(start, 0, start.plusSeconds(5), 10, 10));
    }

    @Test
    void jobRequestErrorsNameTheirField() {
        assertEquals("spec.budgets.maxLatencyMs", problem("{\"spec\":{\"budgets\":{\"maxLatencyMs\":0}}}").field());
        assertEquals("spec.metric", problem("{\"spec\":{\"metric\":\"f1\"}}").field());
        assertEquals("spec.candidates", problem("{\"spec\":{\"candidates\":1000}}").field());
        assertEquals("spec.method", problem("{\"spec\":{\"method\":\"magic\"}}").field().substring(0, 11));
        assertEquals("datasetIdd", problem("{\"datasetIdd\":\"x\"}").field());
        assertNull(problem("[1,2]").field());
        assertNull(problem("").field());
        assertEquals(7L, JobRequestReader.read("{\"model\":\"m\",\"datasetId\":\"d\",\"spec\":{\"seed\":7}}").spec().seed());
    }

    @Test
    void datasetsMustFeedTheModelsInputs() {
        List<TensorSpec> inputs = List.of(new TensorSpec("x", "float32", List.of(-1L, 3L, 8L)));
        InputCompatibility.check(inputs, List.of(new ArrayInfo("input", "float32", List.of(5L, 3L, 8L))), "datasetId");
        InputCompatibility.check(inputs, List.of(new ArrayInfo("x", "int64", List.of(5L, 3L, 8L))), "datasetId");
        assertTrue(refusal(inputs, new ArrayInfo("y", "float32", List.of(5L, 3L, 8L))).contains("no array for model input 'x'"));
        assertTrue(refusal(inputs, new ArrayInfo("x", "float32", List.of(5L, 8L, 3L))).contains("expects samples of shape [3, 8]"));
        List<TensorSpec> ids = List.of(new TensorSpec("ids", "int64", List.of(-1L, 4L)));
        assertTrue(assertThrows(UnprocessableRequestException.class, () -> InputCompatibility.check(ids,
                List.of(new ArrayInfo("ids", "float32", List.of(2L, 4L))), "datasetId")).getMessage().contains("integer dtype"));
    }

    private static String refusal(List<TensorSpec> inputs, ArrayInfo array) {
        UnprocessableRequestException p = assertThrows(UnprocessableRequestException.class,
                () -> InputCompatibility.check(inputs, List.of(array), "datasetId"));
        assertEquals("datasetId", p.field());
        return p.getMessage();
    }

    /** A 400: {@code ProblemMapperTest} shows the status each kind of refusal is answered with. */
    private static InvalidRequestException problem(String body) {
        return assertThrows(InvalidRequestException.class, () -> JobRequestReader.read(body));
    }
}
