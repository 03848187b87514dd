package dev.bitplan.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.contracts.search.SensitivityDepth;

/**
 * How one job searches, everything but its files: the same knobs as {@code bitplan search}. Null fields take the
 * CLI's defaults, so a submitted job and an in-process search with the same values run the same search.
 *
 * @param metric  accuracy, agreement, cosine, sentence-cosine, token-cosine or sqnr; null: accuracy when the data has
 *                labels, sentence-cosine for a token model (see {@link Metric#SENTENCE_COSINE}), else agreement
 * @param sensitivity how deep sensitivity analysis measures; null: {@link SensitivityDepth#FAST}
 * @param trainData   the id of the tenant's dataset QAT fine-tunes on (method qat only; labels not needed)
 * @param qatSteps    QAT budget per candidate in optimizer steps (batch 64); null with method qat and no
 *                    {@code qatEpochs}: {@link #DEFAULT_QAT_STEPS}
 * @param qatEpochs   QAT budget per candidate in passes over {@code trainData}, instead of steps
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSpec(Method method, String metric, SearchBudgets budgets, SearchSpace space, QuantizationOptions quantization,
                      Integer candidates, Long seed, Integer calibrationSamples, Integer sensitivitySamples, Integer latencyRuns,
                      Integer latencyBatch, SensitivityDepth sensitivity, String trainData, Integer qatSteps, Double qatEpochs,
                      Boolean qatLearnRanges) {

    public static final int DEFAULT_CANDIDATES = 8;
    public static final int DEFAULT_CALIBRATION_SAMPLES = 256;
    public static final int DEFAULT_SENSITIVITY_SAMPLES = 256;
    public static final int DEFAULT_LATENCY_RUNS = 30;
    /** Small on purpose: every candidate of a QAT job is fine-tuned, so the budget is paid once per candidate. */
    public static final int DEFAULT_QAT_STEPS = 100;

    public JobSpec {
        method = method == null ? Method.PTQ : method;
        if (metric != null) {
            metric = Metric.parse(metric).id(); // refuses unknown names with the list of known ones
        }
        budgets = budgets == null ? SearchBudgets.none() : budgets;
        space = space == null ? SearchSpace.defaults() : space;
        quantization = quantization == null ? QuantizationOptions.defaults() : quantization;
        candidates = orDefault("candidates", candidates, DEFAULT_CANDIDATES, 1, 64);
        seed = seed == null ? 0L : seed;
        calibrationSamples = orDefault("calibrationSamples", calibrationSamples, DEFAULT_CALIBRATION_SAMPLES, 1, 1_000_000);
        sensitivitySamples = orDefault("sensitivitySamples", sensitivitySamples, DEFAULT_SENSITIVITY_SAMPLES, 1, 1_000_000);
        latencyRuns = orDefault("latencyRuns", latencyRuns, DEFAULT_LATENCY_RUNS, 1, 10_000);
        latencyBatch = orDefault("latencyBatch", latencyBatch, 0, 0, 4096);
        sensitivity = sensitivity == null ? SensitivityDepth.FAST : sensitivity;
        if (qatSteps != null && qatEpochs != null) {
            throw new IllegalArgumentException("give qatSteps or qatEpochs, not both");
        }
        if (qatSteps != null) {
            orDefault("qatSteps", qatSteps, 0, 1, 100_000);
        }
        if (qatEpochs != null && !(qatEpochs > 0 && qatEpochs <= 100)) {
            throw new IllegalArgumentException("qatEpochs must be in (0, 100], got " + qatEpochs);
        }
        if (method == Method.QAT && qatSteps == null && qatEpochs == null) {
            qatSteps = DEFAULT_QAT_STEPS;
        }
    }

    /** A spec whose QAT keeps activation ranges from calibration (qatLearnRanges absent). */
    public JobSpec(Method method, String metric, SearchBudgets budgets, SearchSpace space, QuantizationOptions quantization,
                   Integer candidates, Long seed, Integer calibrationSamples, Integer sensitivitySamples, Integer latencyRuns,
                   Integer latencyBatch, SensitivityDepth sensitivity, String trainData, Integer qatSteps, Double qatEpochs) {
        this(method, metric, budgets, space, quantization, candidates, seed, calibrationSamples, sensitivitySamples, latencyRuns,
                latencyBatch, sensitivity, trainData, qatSteps, qatEpochs, null);
    }

    /** Whether QAT learns the static activation scales (LSQ) instead of keeping them from calibration. */
    public boolean learnsRanges() {
        return Boolean.TRUE.equals(qatLearnRanges);
    }

    /** A spec without QAT settings. */
    public JobSpec(Method method, String metric, SearchBudgets budgets, SearchSpace space, QuantizationOptions quantization,
                   Integer candidates, Long seed, Integer calibrationSamples, Integer sensitivitySamples, Integer latencyRuns,
                   Integer latencyBatch, SensitivityDepth sensitivity) {
        this(method, metric, budgets, space, quantization, candidates, seed, calibrationSamples, sensitivitySamples, latencyRuns,
                latencyBatch, sensitivity, null, null, null);
    }

    /** This spec with method qat, fine-tuning on the dataset {@code trainData} for the given budget (both null: the default). */
    public JobSpec withQat(String trainDataId, Integer steps, Double epochs) {
        return new JobSpec(Method.QAT, metric, budgets, space, quantization, candidates, seed, calibrationSamples, sensitivitySamples,
                latencyRuns, latencyBatch, sensitivity, trainDataId, steps, epochs, qatLearnRanges);
    }

    /** This spec with its QAT learning activation ranges (LSQ) or not. */
    public JobSpec withQatLearnRanges(boolean learn) {
        return new JobSpec(method, metric, budgets, space, quantization, candidates, seed, calibrationSamples, sensitivitySamples,
                latencyRuns, latencyBatch, sensitivity, trainData, qatSteps, qatEpochs, learn ? Boolean.TRUE : null);
    }

    /** A spec with the default sensitivity depth. */
    public JobSpec(Method method, String metric, SearchBudgets budgets, SearchSpace space, QuantizationOptions quantization,
                   Integer candidates, Long seed, Integer calibrationSamples, Integer sensitivitySamples, Integer latencyRuns,
                   Integer latencyBatch) {
        this(method, metric, budgets, space, quantization, candidates, seed, calibrationSamples, sensitivitySamples, latencyRuns,
                latencyBatch, null);
    }

    public static JobSpec defaults() {
        return new JobSpec(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The metric to score by, or null to pick from the data (labels or not). */
    public Metric metricOrNull() {
        return metric == null ? null : Metric.parse(metric);
    }

    private static int orDefault(String field, Integer value, int fallback, int min, int max) {
        int v = value == null ? fallback : value;
        if (v < min || v > max) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }
}
