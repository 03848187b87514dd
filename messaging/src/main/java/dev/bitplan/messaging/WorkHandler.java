package dev.bitplan.messaging;

/**
 * The work done for one message of a {@link WorkLoop}. Runs on the loop's work thread, one message at a time.
 * Throwing retries the message (or dead-letters it when the error is permanent or the tries are spent).
 */
public interface WorkHandler<T> {

    void handle(T message, WorkContext context) throws Exception;

    /**
     * Called once a message is given up on, after it went to the dead-letter topic. Workers publish a FAILED
     * job event here with a reason a user can act on.
     *
     * @param key      the record's key (the job id or candidate id), also when the value did not parse
     * @param message  the message, or null when it could not be read
     */
    default void deadLettered(String key, T message, Throwable error, int attempts) {
    }
}
