package dev.bitplan.api.service.problems;

/**
 * A request the api refuses: what is wrong and what to do instead, and the request field at fault. Services, the
 * auth filter and the request readers throw one of its kinds; {@code rest.ProblemMapper} answers each kind with its
 * HTTP status as {@code application/problem+json}.
 */
public abstract sealed class ServiceException extends RuntimeException
        permits InvalidRequestException, UnauthenticatedException, ResourceNotFoundException, ConflictException,
        UploadTooLargeException, UnprocessableRequestException {

    private final String field;

    ServiceException(String field, String detail) {
        super(detail);
        this.field = field;
    }

    /** The request field at fault (a JSON path, a form part or a path parameter), or null when none is. */
    public String field() {
        return field;
    }

    /** The problem's detail: what is wrong, and what to do instead. */
    public String detail() {
        return getMessage();
    }
}
