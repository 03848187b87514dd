package dev.bitplan.contracts.messaging;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.search.LayerSensitivity;
import dev.bitplan.contracts.search.SearchProfile;

/**
 * Something that happened to a job in a worker. The api applies events in order per job (the key) and
 * idempotently: a layer's sensitivity is upserted by layer name, a profile by job.
 *
 * @param state    the state the job enters ({@link Type#STATE}) or ends in ({@link Type#FAILED})
 * @param stage    the step the progress counts: calibration, sensitivity, pairs, latency, solve, candidates
 * @param layer    one layer's measured sensitivity ({@link Type#LAYER})
 * @param profile  the finished measuring half ({@link Type#PROFILED}), sent with the evaluation requests
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobEvent(String jobId, Type type, JobState state, String stage, Integer done, Integer total, String message,
                       LayerSensitivity layer, SearchProfile profile, String worker, long atMillis) {

    public enum Type { STATE, PROGRESS, LAYER, PROFILED, FAILED, LOG }

    public static JobEvent state(String jobId, JobState state, String message, String worker) {
        return new JobEvent(jobId, Type.STATE, state, null, null, null, message, null, null, worker, System.currentTimeMillis());
    }

    public static JobEvent progress(String jobId, String stage, int done, int total, String worker) {
        return new JobEvent(jobId, Type.PROGRESS, null, stage, done, total, null, null, null, worker, System.currentTimeMillis());
    }

    public static JobEvent layer(String jobId, LayerSensitivity layer, String worker) {
        return new JobEvent(jobId, Type.LAYER, null, "sensitivity", null, null, null, layer, null, worker, System.currentTimeMillis());
    }

    public static JobEvent profiled(String jobId, SearchProfile profile, String worker) {
        return new JobEvent(jobId, Type.PROFILED, null, null, null, null, null, null, profile, worker, System.currentTimeMillis());
    }

    /** The job cannot go on; {@code message} says what the user can do about it. */
    public static JobEvent failed(String jobId, String message, String worker) {
        return new JobEvent(jobId, Type.FAILED, JobState.FAILED, null, null, null, message, null, null, worker, System.currentTimeMillis());
    }

    public static JobEvent log(String jobId, String message, String worker) {
        return new JobEvent(jobId, Type.LOG, null, null, null, null, message, null, null, worker, System.currentTimeMillis());
    }
}
