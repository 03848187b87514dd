package dev.bitplan.messaging;

import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.search.LayerSensitivity;
import java.util.List;
import java.util.Map;

/**
 * What the api knows of a job, for a worker about to work on it.
 *
 * @param sensitivity  the per-layer results stored so far: a restarted search skips these layers
 * @param latency      batch-1 latency entries stored so far, by layer and option label (a nightly job's reused ones):
 *                     not timed again
 */
public record JobStatus(String id, JobState state, List<LayerSensitivity> sensitivity, Map<String, Map<String, Double>> latency) {

    public JobStatus {
        sensitivity = sensitivity == null ? List.of() : List.copyOf(sensitivity);
        latency = latency == null ? Map.of() : Map.copyOf(latency);
    }

    public JobStatus(String id, JobState state, List<LayerSensitivity> sensitivity) {
        this(id, state, sensitivity, null);
    }
}
