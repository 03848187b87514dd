package dev.bitplan.contracts.messaging;

/** A command to every worker about one job. */
public record JobControl(String jobId, Action action) {

    public enum Action {
        /** Stop working on the job as soon as possible; its results are no longer wanted. */
        CANCEL
    }
}
