package dev.bitplan.contracts.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.bitplan.contracts.plan.QuantPlan;
import java.util.List;

/**
 * What {@code bitplan evaluate --json} prints: the FP32 and the quantized model side by side.
 * Scripts rely on {@code metricName}, {@code fp32.*} and {@code quantized.*}. With {@code --method qat},
 * {@code quantized} is the tuned model and {@code qat} holds the PTQ metric beside it and the training figures.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationSummary(int schemaVersion, String metricName, int validationSamples, int calibrationSamples,
                                ModelFigures fp32, ModelFigures quantized, QuantPlan plan, List<String> notes, QatFigures qat) {

    public static final int SCHEMA_VERSION = 1;

    /** A PTQ evaluation (no QAT figures). */
    public EvaluationSummary(int schemaVersion, String metricName, int validationSamples, int calibrationSamples, ModelFigures fp32,
                             ModelFigures quantized, QuantPlan plan, List<String> notes) {
        this(schemaVersion, metricName, validationSamples, calibrationSamples, fp32, quantized, plan, notes, null);
    }
}
