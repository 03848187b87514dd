package dev.bitplan.api.service;

import dev.bitplan.contracts.job.JobState;

/**
 * The job's life: {@code QUEUED -> PROFILING -> SOLVING -> EVALUATING -> DONE}; FAILED and CANCELLED from any
 * state that is not terminal. Moves go forward only (a worker may skip a step it has nothing to report for);
 * a terminal job never moves again, so late or redelivered events change nothing.
 */
public final class JobStateMachine {

    private JobStateMachine() {
    }

    public static boolean canMove(JobState from, JobState to) {
        if (from.terminal() || from == to) {
            return false;
        }
        if (to == JobState.FAILED || to == JobState.CANCELLED) {
            return true;
        }
        return to.ordinal() > from.ordinal();
    }
}
