package dev.bitplan.messaging;

import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.search.LayerSensitivity;
import java.util.List;

/**
 * What the api knows of a job, for a worker about to work on it.
 *
 * @param sensitivity  the per-layer results stored so far: a restarted search skips these layers
 */
public record JobStatus(String id, JobState state, List<LayerSensitivity> sensitivity) {

    public JobStatus {
        sensitivity = sensitivity == null ? List.of() : List.copyOf(sensitivity);
    }
}
