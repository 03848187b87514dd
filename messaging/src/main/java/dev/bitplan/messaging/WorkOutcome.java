package dev.bitplan.messaging;

/** What the poll thread does with a message once its work ended. */
enum WorkOutcome {
    /** Done (handled, cancelled or dead-lettered): commit its offset. */
    COMMIT,
    /** Not done and not dead-lettered: seek back and take it again. */
    REDELIVER,
    /** The worker is stopping: leave it uncommitted for another worker. */
    ABANDON
}
