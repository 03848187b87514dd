package dev.bitplan.contracts.search;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.bitplan.contracts.plan.QuantizationOptions;
import java.util.List;
import java.util.Map;

/**
 * The result of a search, as {@code bitplan search} writes it to report.json and the service serves it.
 * Scripts rely on at least {@code metricName}, {@code fp32.metric}, {@code fp32.sizeBytes},
 * {@code candidates[].id/kind/metric/sizeBytes/latencyMs/onFront/plan}, {@code recommended} and {@code budgets}.
 *
 * @param recommended     id of the best candidate within every budget and floor, or null when none qualifies
 * @param recommendation  why that one, or which candidate comes closest when none qualifies
 * @param stageMillis     wall time per stage: calibration, sensitivity, latency, solve, evaluation
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SearchReport(int schemaVersion, String metricName, Inputs inputs, Settings settings, Fp32 fp32,
                           SearchBudgets budgets, List<LayerReport> layers, List<PairSensitivity> pairs,
                           List<Candidate> candidates, String recommended, String recommendation, List<String> notes,
                           Map<String, Long> stageMillis) {

    public static final int SCHEMA_VERSION = 1;

    /** What was searched: file names and sha256 digests, sample counts per split. */
    public record Inputs(String model, String modelSha256, String data, String dataSha256, int calibrationSamples,
                         int sensitivitySamples, int validationSamples) {
    }

    /** How it was searched. */
    public record Settings(QuantizationOptions quantization, SearchSpace space, int candidates, long seed) {
    }

    /**
     * The float model's figures.
     *
     * @param sizeBytes modelled size (every constant as stored)
     * @param fileBytes size of the float model's file as searched (folded); size ratios are of this (null in reports
     *                  from before file sizes were judged, whose ratios were of the modelled size)
     */
    public record Fp32(double metric, long sizeBytes, double latencyMs, long bops, Long fileBytes) {

        public Fp32(double metric, long sizeBytes, double latencyMs, long bops) {
            this(metric, sizeBytes, latencyMs, bops, null);
        }

        /** What size budgets given as a ratio are a ratio of: the file where known. */
        @JsonIgnore
        public long budgetBaseBytes() {
            return fileBytes != null ? fileBytes : sizeBytes;
        }
    }
}
