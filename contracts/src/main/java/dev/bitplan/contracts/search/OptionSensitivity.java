package dev.bitplan.contracts.search;

import dev.bitplan.contracts.plan.LayerChoice;

/**
 * How much one option of one layer hurts, measured with that layer alone quantized.
 *
 * @param metricDrop        FP32 metric minus the metric with only this layer at this option (rest float)
 * @param divergence        output divergence from FP32 with only this layer quantized: mean KL of the softmax
 *                          outputs for classifiers, 1 - cosine or relative squared error otherwise
 * @param metricDropVs8bit  the all-8-bit plan's metric minus the metric with this layer changed to this option
 * @param divergenceVs8bit  divergence from FP32 with the rest at 8 bits, minus the all-8-bit plan's divergence
 */
public record OptionSensitivity(String label, LayerChoice choice, double metricDrop, double divergence,
                                double metricDropVs8bit, double divergenceVs8bit) {
}
