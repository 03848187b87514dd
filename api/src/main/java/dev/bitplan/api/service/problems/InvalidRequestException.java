package dev.bitplan.api.service.problems;

/** A request that is malformed or lacks something it needs (a missing name, a bad JSON body, a bad value). */
public final class InvalidRequestException extends ServiceException {

    public InvalidRequestException(String field, String detail) {
        super(field, detail);
    }
}
