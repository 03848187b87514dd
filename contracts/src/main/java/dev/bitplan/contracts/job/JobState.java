package dev.bitplan.contracts.job;

/** Where a job is: {@code QUEUED -> PROFILING -> SOLVING -> EVALUATING -> DONE}, or FAILED / CANCELLED from any state. */
public enum JobState {
    QUEUED, PROFILING, SOLVING, EVALUATING, DONE, FAILED, CANCELLED;

    public boolean terminal() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }
}
