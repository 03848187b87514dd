package dev.bitplan.api.rest;

/**
 * A request the api refuses, carried to {@link ProblemMapper} and answered as {@code application/problem+json}.
 *
 * @param field  the request field at fault, or null
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String title;
    private final String field;

    public ApiProblem(int status, String title, String detail, String field) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
    }

    public static ApiProblem badRequest(String field, String detail) {
        return new ApiProblem(400, "Bad request", detail, field);
    }

    public static ApiProblem unauthorized(String detail) {
        return new ApiProblem(401, "Unauthorized", detail, null);
    }

    /** Also the answer for another tenant's ids: their existence is never revealed. */
    public static ApiProblem notFound(String field, String what, String id) {
        return new ApiProblem(404, "Not found", "no " + what + " '" + id + "'", field);
    }

    public static ApiProblem conflict(String field, String detail) {
        return new ApiProblem(409, "Conflict", detail, field);
    }

    public static ApiProblem tooLarge(String field, String detail) {
        return new ApiProblem(413, "Payload too large", detail, field);
    }

    public static ApiProblem unprocessable(String field, String detail) {
        return new ApiProblem(422, "Unprocessable content", detail, field);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String field() {
        return field;
    }
}
