package dev.bitplan.api.service.problems;

/** A caller without the token the endpoint needs: none, a malformed header, or a token that is not the one. */
public final class UnauthenticatedException extends ServiceException {

    public UnauthenticatedException(String detail) {
        super(null, detail);
    }
}
