package dev.bitplan.messaging;

/** Headers a work loop adds to a message it moves to {@code <topic>.dlq}, beside the original key, value and headers. */
public final class DeadLetterHeaders {

    /** Why the message was given up on, as a user can act on it. */
    public static final String ERROR = "bitplan-error";
    /** How many tries it had (1 when the failure was permanent). */
    public static final String ATTEMPTS = "bitplan-attempts";
    /** The worker id that gave up on it. */
    public static final String WORKER = "bitplan-worker";

    private DeadLetterHeaders() {
    }
}
