package dev.bitplan.contracts.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.bitplan.contracts.plan.QuantPlan;
import java.util.List;

/**
 * What {@code bitplan evaluate --json} prints: the FP32 and the quantized model side by side.
 * Scripts rely on {@code metricName}, {@code fp32.*} and {@code quantized.*}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationSummary(int schemaVersion, String metricName, int validationSamples, int calibrationSamples,
                                ModelFigures fp32, ModelFigures quantized, QuantPlan plan, List<String> notes) {

    public static final int SCHEMA_VERSION = 1;
}
