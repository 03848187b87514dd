package dev.bitplan.search;

import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.contracts.search.SensitivityDepth;
import java.nio.file.Path;

/**
 * Everything one search needs.
 *
 * @param calibrationData     a separate calibration file, or null to draw calibration samples from {@code data}
 * @param metric              null: accuracy when the data has labels, else agreement
 * @param candidates          how many budgets the Pareto sweep solves for
 * @param sensitivitySamples  samples drawn (by seed) for sensitivity; the rest of {@code data} validates
 * @param latencyBatch        a batch size to also measure the latency table at (besides batch 1), or 0 for none
 * @param sensitivity         how deep sensitivity analysis measures (null: fast)
 */
public record SearchRequest(Path model, Path data, Path calibrationData, int calibrationSamples, int sensitivitySamples,
                            Metric metric, QuantizationOptions quantization, SearchSpace space, SearchBudgets budgets,
                            int candidates, long seed, int latencyRuns, int latencyBatch, SensitivityDepth sensitivity) {

    /** The request of a job: the same one {@code bitplan search} builds from the same values on its command line. */
    public static SearchRequest from(JobSpec spec, Path model, Path data, Path calibrationData) {
        return new SearchRequest(model, data, calibrationData, spec.calibrationSamples(), spec.sensitivitySamples(), spec.metricOrNull(),
                spec.quantization(), spec.space(), spec.budgets(), spec.candidates(), spec.seed(), spec.latencyRuns(), spec.latencyBatch(),
                spec.sensitivity());
    }

    public SearchRequest {
        sensitivity = sensitivity == null ? SensitivityDepth.FAST : sensitivity;
        if (candidates < 1) {
            throw new IllegalArgumentException("candidates must be >= 1, got " + candidates);
        }
        if (latencyBatch < 0) {
            throw new IllegalArgumentException("latency batch must be >= 0, got " + latencyBatch);
        }
        if (calibrationSamples < 1 || sensitivitySamples < 1) {
            throw new IllegalArgumentException("calibration and sensitivity need at least one sample each");
        }
    }
}
