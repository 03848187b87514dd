package dev.bitplan.contracts.report;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Measured figures of one model (FP32 or quantized).
 *
 * @param metric          the metric on the validation samples
 * @param sizeBytes       modelled size: weights at their bits, scales, float remainder
 * @param latencyMs       median single-sample latency in ONNX Runtime
 * @param exportedBytes   size of the exported ONNX file (quantized only)
 * @param deployedMetric  the metric of the exported model re-run as deployed (quantized only)
 * @param bops            bit operations: MACs x weight bits x activation bits
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelFigures(double metric, long sizeBytes, double latencyMs, Long exportedBytes, Double deployedMetric,
                           Long bops) {
}
