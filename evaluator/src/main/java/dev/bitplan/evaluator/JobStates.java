package dev.bitplan.evaluator;

import dev.bitplan.contracts.job.JobState;
import dev.bitplan.messaging.InternalApiClient;
import dev.bitplan.messaging.JobStatus;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** The api's answer to "what state is job X in?", kept for a few seconds: a job's candidates arrive in a burst. */
final class JobStates {

    private record Answer(Optional<JobState> state, long atNanos) {
    }

    private final InternalApiClient api;
    private final long ttlNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Answer> answers = new ConcurrentHashMap<>();

    JobStates(InternalApiClient api, Duration ttl) {
        this(api, ttl, System::nanoTime);
    }

    JobStates(InternalApiClient api, Duration ttl, LongSupplier clock) {
        this.api = api;
        this.ttlNanos = ttl.toNanos();
        this.clock = clock;
    }

    /** The job's state; empty when the api does not know the job. */
    Optional<JobState> state(String jobId) {
        long now = clock.getAsLong();
        Answer a = answers.get(jobId);
        if (a == null || now - a.atNanos() > ttlNanos) {
            a = new Answer(api.jobStatus(jobId).map(JobStatus::state), now);
            answers.put(jobId, a);
            answers.entrySet().removeIf(e -> now - e.getValue().atNanos() > ttlNanos); // stays small
        }
        return a.state();
    }
}
