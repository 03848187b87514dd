package dev.bitplan.cli;

/**
 * An error answer of the BitPlan service, read from its {@code application/problem+json} body: the message is the
 * problem's detail (and the field at fault), which is what a user needs to fix the request.
 */
final class ApiException extends CommandFailure {

    private final int status;
    private final String field;

    ApiException(int status, String title, String detail, String field) {
        super(message(status, title, detail, field), status >= 400 && status < 500 ? 2 : 1);
        this.status = status;
        this.field = field;
    }

    int status() {
        return status;
    }

    String field() {
        return field;
    }

    /** 4xx: the request was wrong (exit code 2); anything else is the service's trouble. */
    boolean clientError() {
        return status >= 400 && status < 500;
    }

    private static String message(int status, String title, String detail, String field) {
        String what = detail != null && !detail.isBlank() ? detail : title != null && !title.isBlank() ? title : "HTTP " + status;
        return what + (field != null && !field.isBlank() ? " (field: " + field + ")" : "") + " [HTTP " + status + "]";
    }
}
