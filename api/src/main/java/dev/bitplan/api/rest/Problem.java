package dev.bitplan.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The body of every error answer (RFC 9457 problem details, plus the field at fault). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String detail, String field) {
        return new Problem("about:blank", title, status, detail, field);
    }
}
