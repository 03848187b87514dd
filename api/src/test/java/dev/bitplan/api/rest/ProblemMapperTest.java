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

    @Test
    void anUnreachableDatabaseIsA503SoThatWorkersWaitItOut() {
        // as Hibernate reports PostgreSQL refusing connections: SQLState 08001 under a wrapper
        RuntimeException refused = new RuntimeException("Unable to acquire JDBC Connection",
                new java.sql.SQLException("Connection to localhost:5432 refused", "08001"));
        jakarta.ws.rs.core.Response r = new ProblemMapper().unexpected(refused);
        assertEquals(503, r.getStatus());
        assertEquals("5", r.getHeaderString("Retry-After"));
        Problem p = (Problem) r.getEntity();
        org.junit.jupiter.api.Assertions.assertTrue(p.detail().startsWith("the database is unreachable (Connection to localhost:5432 refused)"),
                p.detail());
        // any other SQL failure is still the api's own error
        assertEquals(500, new ProblemMapper().unexpected(new RuntimeException(new java.sql.SQLException("syntax error", "42601"))).getStatus());
    }
}
