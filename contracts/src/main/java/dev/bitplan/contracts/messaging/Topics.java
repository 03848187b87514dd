package dev.bitplan.contracts.messaging;

import java.util.List;

/** Kafka topic names. Keys: job id on search requests, job events and control; candidate id on evaluations. */
public final class Topics {

    /** {@link SearchRequested}: one per job, to a search worker. */
    public static final String SEARCH_REQUESTS = "bitplan.search.requests";
    /** {@link EvaluateCandidate}: one per distinct plan, spread over evaluators. */
    public static final String EVAL_REQUESTS = "bitplan.eval.requests";
    /** {@link CandidateEvaluated}: back to the api. */
    public static final String EVAL_RESULTS = "bitplan.eval.results";
    /** {@link JobEvent}: stages, progress, per-layer sensitivity, the profile, failures; to the api. */
    public static final String JOB_EVENTS = "bitplan.job.events";
    /** {@link JobControl}: cancellations, read by every worker. */
    public static final String JOB_CONTROL = "bitplan.job.control";

    public static final List<String> ALL = List.of(SEARCH_REQUESTS, EVAL_REQUESTS, EVAL_RESULTS, JOB_EVENTS, JOB_CONTROL);

    private Topics() {
    }

    /** Where a message goes after its retries are spent. */
    public static String dlq(String topic) {
        return topic + ".dlq";
    }
}
