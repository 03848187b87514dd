package dev.bitplan.api.service.problems;

/** A request the current state forbids: a name taken, a job that has ended, a report not ready yet. */
public final class ConflictException extends ServiceException {

    public ConflictException(String field, String detail) {
        super(field, detail);
    }
}
