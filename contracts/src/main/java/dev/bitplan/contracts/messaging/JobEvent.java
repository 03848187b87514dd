package dev.bitplan.contracts.messaging;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.search.LayerSensitivity;
import dev.bitplan.contracts.search.SearchProfile;

/**
 * Something that happened to a job in a worker, one record per kind. The api applies events in order per job (the
 * key) and idempotently: a layer's sensitivity is upserted by layer name, a profile by job.
 * <p>
 * On the wire every kind is one flat JSON object whose {@code type} names the kind ({@link Type}), with
 * {@code jobId}, {@code worker} and {@code atMillis} beside the kind's own fields, as before the kinds had records
 * of their own.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = JobEvent.StateChanged.class, name = "STATE"),
        @JsonSubTypes.Type(value = JobEvent.Progress.class, name = "PROGRESS"),
        @JsonSubTypes.Type(value = JobEvent.LayerMeasured.class, name = "LAYER"),
        @JsonSubTypes.Type(value = JobEvent.Profiled.class, name = "PROFILED"),
        @JsonSubTypes.Type(value = JobEvent.Failed.class, name = "FAILED"),
        @JsonSubTypes.Type(value = JobEvent.Log.class, name = "LOG")})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface JobEvent {

    /** The kinds, as the {@code type} field and the api's {@code job_events.type} column spell them. */
    enum Type { STATE, PROGRESS, LAYER, PROFILED, FAILED, LOG }

    String jobId();

    /** The worker that sent it (also its static group member id); null for events the api records itself. */
    String worker();

    long atMillis();

    @JsonProperty("type")
    Type type();

    /** The job enters {@code state}; {@code message} says why, for its history. */
    record StateChanged(String jobId, JobState state, String message, String worker, long atMillis) implements JobEvent {
        @Override
        public Type type() {
            return Type.STATE;
        }
    }

    /**
     * {@code done} of {@code total} steps of a stage: calibration, sensitivity, pairs, latency, solve, or a
     * candidate's evaluation.
     */
    record Progress(String jobId, String stage, int done, int total, String worker, long atMillis) implements JobEvent {
        @Override
        public Type type() {
            return Type.PROGRESS;
        }
    }

    /** One layer's measured sensitivity: stored at once, so a worker taking the job over measures only the rest. */
    @JsonIgnoreProperties(value = "stage", allowGetters = true)
    record LayerMeasured(String jobId, LayerSensitivity layer, String worker, long atMillis) implements JobEvent {
        @Override
        public Type type() {
            return Type.LAYER;
        }

        /** Always {@code sensitivity}: written for readers of the raw topic that group events by stage. */
        @JsonProperty("stage")
        public String stage() {
            return "sensitivity";
        }
    }

    /** The finished measuring half of a search, sent with the evaluation requests of its proposals. */
    record Profiled(String jobId, SearchProfile profile, String worker, long atMillis) implements JobEvent {
        @Override
        public Type type() {
            return Type.PROFILED;
        }
    }

    /** The job cannot go on; {@code message} says what the user can do about it. */
    @JsonIgnoreProperties(value = "state", allowGetters = true)
    record Failed(String jobId, String message, String worker, long atMillis) implements JobEvent {
        @Override
        public Type type() {
            return Type.FAILED;
        }

        /** Always {@link JobState#FAILED}, the state the job ends in. */
        @JsonProperty("state")
        public JobState state() {
            return JobState.FAILED;
        }
    }

    /** A line for the job's history that changes nothing (e.g. a worker took the job over). */
    record Log(String jobId, String message, String worker, long atMillis) implements JobEvent {
        @Override
        public Type type() {
            return Type.LOG;
        }
    }

    static StateChanged state(String jobId, JobState state, String message, String worker) {
        return new StateChanged(jobId, state, message, worker, System.currentTimeMillis());
    }

    static Progress progress(String jobId, String stage, int done, int total, String worker) {
        return new Progress(jobId, stage, done, total, worker, System.currentTimeMillis());
    }

    static LayerMeasured layer(String jobId, LayerSensitivity layer, String worker) {
        return new LayerMeasured(jobId, layer, worker, System.currentTimeMillis());
    }

    static Profiled profiled(String jobId, SearchProfile profile, String worker) {
        return new Profiled(jobId, profile, worker, System.currentTimeMillis());
    }

    static Failed failed(String jobId, String message, String worker) {
        return new Failed(jobId, message, worker, System.currentTimeMillis());
    }

    static Log log(String jobId, String message, String worker) {
        return new Log(jobId, message, worker, System.currentTimeMillis());
    }
}
