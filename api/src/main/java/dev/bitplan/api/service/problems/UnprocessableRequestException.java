package dev.bitplan.api.service.problems;

/**
 * A well-formed request the api cannot carry out: a dataset that cannot feed the model, an infeasible budget, a QAT
 * job without its training set.
 */
public final class UnprocessableRequestException extends ServiceException {

    public UnprocessableRequestException(String field, String detail) {
        super(field, detail);
    }
}
