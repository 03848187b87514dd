package dev.bitplan.messaging;

/** Thrown from inside running work when its loop is shutting down: the message is not committed, so another worker takes it over. */
public class WorkAbandonedException extends RuntimeException {

    public WorkAbandonedException() {
        super("the worker is shutting down; the message will be redelivered");
    }
}
