package dev.bitplan.api.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.bitplan.api.service.problems.ConflictException;
import dev.bitplan.api.service.problems.InvalidRequestException;
import dev.bitplan.api.service.problems.ResourceNotFoundException;
import dev.bitplan.api.service.problems.ServiceException;
import dev.bitplan.api.service.problems.UnauthenticatedException;
import dev.bitplan.api.service.problems.UnprocessableRequestException;
import dev.bitplan.api.service.problems.UploadTooLargeException;
import dev.bitplan.engine.InvalidInputException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every refusal into {@code application/problem+json}; a name created twice at once is a 409, an unreachable
 * database a 503 (an outage to wait out), an unexpected error is logged and answered 500.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    /** The status and title each kind of refusal is answered with. */
    record Answer(int status, String title) {
    }

    static final Map<Class<? extends ServiceException>, Answer> ANSWERS = Map.of(
            InvalidRequestException.class, new Answer(400, "Bad request"),
            UnauthenticatedException.class, new Answer(401, "Unauthorized"),
            ResourceNotFoundException.class, new Answer(404, "Not found"),
            ConflictException.class, new Answer(409, "Conflict"),
            UploadTooLargeException.class, new Answer(413, "Payload too large"),
            UnprocessableRequestException.class, new Answer(422, "Unprocessable content"));

    /** A request the services, the auth filter or a request reader refused, with the field at fault. */
    @ServerExceptionMapper
    public Response refused(ServiceException e) {
        return answer(problemOf(e));
    }

    /** The engine's refusals: wrong kind of file 415, a file we cannot use 422, a malformed request 400. */
    @ServerExceptionMapper
    public Response invalidInput(InvalidInputException e) {
        return answer(Problem.of(status(e.problem()), title(e.problem()), e.getMessage(), "file"));
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        return answer(Problem.of(400, "Bad request", "malformed JSON body: " + JobRequestReader.firstLine(e.getOriginalMessage()), null));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        return answer(Problem.of(status, title, e.getMessage(), null));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        Optional<Problem> conflict = UniqueViolation.of(e);
        if (conflict.isPresent()) {
            return answer(conflict.get());
        }
        Optional<Problem> away = DatabaseUnreachable.of(e);
        if (away.isPresent()) {
            LOG.warnf("answering 503: %s", away.get().detail());
            return Response.fromResponse(answer(away.get())).header("Retry-After", DatabaseUnreachable.RETRY_AFTER_SECONDS).build();
        }
        LOG.error("unexpected error", e);
        return answer(Problem.of(500, "Internal server error", "the api failed unexpectedly: " + dev.bitplan.messaging.FailureReasons.text(e), null));
    }

    static Problem problemOf(ServiceException e) {
        Answer a = ANSWERS.get(e.getClass());
        return Problem.of(a.status(), a.title(), e.detail(), e.field());
    }

    static int status(InvalidInputException.Problem p) {
        return switch (p) {
            case WRONG_FORMAT -> 415;
            case CORRUPT, UNSAFE, UNUSABLE -> 422;
            case BAD_REQUEST -> 400;
        };
    }

    private static String title(InvalidInputException.Problem p) {
        return switch (p) {
            case WRONG_FORMAT -> "Unsupported media type";
            case CORRUPT, UNSAFE, UNUSABLE -> "Unprocessable content";
            case BAD_REQUEST -> "Bad request";
        };
    }

    static Response answer(Problem p) {
        return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
    }
}
