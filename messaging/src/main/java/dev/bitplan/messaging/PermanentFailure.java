package dev.bitplan.messaging;

/**
 * A failure that trying again cannot fix (a blob the api does not have, a request that contradicts itself):
 * the work loop dead-letters the message at once instead of retrying it.
 */
public class PermanentFailure extends RuntimeException {

    public PermanentFailure(String message) {
        super(message);
    }

    public PermanentFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
