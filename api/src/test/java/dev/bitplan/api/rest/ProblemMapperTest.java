package dev.bitplan.api.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bitplan.api.rest.ProblemMapper.Answer;
import dev.bitplan.api.service.problems.ConflictException;
import dev.bitplan.api.service.problems.InvalidRequestException;
import dev.bitplan.api.service.problems.ResourceNotFoundException;
import dev.bitplan.api.service.problems.ServiceException;
import dev.bitplan.api.service.problems.UnauthenticatedException;
import dev.bitplan.api.service.problems.UnprocessableRequestException;
import dev.bitplan.api.service.problems.UploadTooLargeException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The status and title of each kind of refusal, without Quarkus. */
class ProblemMapperTest {

    @Test
    void everyKindOfRefusalHasItsStatusAndTitle() {
        assertEquals(Map.of(
                InvalidRequestException.class, new Answer(400, "Bad request"),
                UnauthenticatedException.class, new Answer(401, "Unauthorized"),
                ResourceNotFoundException.class, new Answer(404, "Not found"),
                ConflictException.class, new Answer(409, "Conflict"),
                UploadTooLargeException.class, new Answer(413, "Payload too large"),
                UnprocessableRequestException.class, new Answer(422, "Unprocessable content")), ProblemMapper.ANSWERS);
        Set<Class<?>> kinds = Arrays.stream(ServiceException.class.getPermittedSubclasses()).collect(Collectors.toSet());
        assertEquals(kinds, ProblemMapper.ANSWERS.keySet(), "a kind of refusal without an answer would be a 500");
    }

    @Test
    void theProblemCarriesTheDetailAndTheFieldAtFault() {
        assertEquals(Problem.of(404, "Not found", "no job 'j1'", "id"),
                ProblemMapper.problemOf(new ResourceNotFoundException("id", "job", "j1")));
        assertEquals(Problem.of(401, "Unauthorized", "missing token", null),
                ProblemMapper.problemOf(new UnauthenticatedException("missing token")));
        assertEquals(Problem.of(422, "Unprocessable content", "infeasible", "spec.budgets"),
                ProblemMapper.problemOf(new UnprocessableRequestException("spec.budgets", "infeasible")));
    }

    @Test
    void aJobBodyThatIsNoObjectIsABadRequest() {
        assertEquals(400, ProblemMapper.problemOf(assertThrows(InvalidRequestException.class,
                () -> JobRequestReader.read("[1,2]"))).status());
        assertEquals(400, ProblemMapper.problemOf(assertThrows(InvalidRequestException.class,
                () -> JobRequestReader.read(""))).status());
    }
}
