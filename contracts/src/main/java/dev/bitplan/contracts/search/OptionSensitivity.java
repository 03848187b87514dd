package dev.bitplan.contracts.search;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.bitplan.contracts.plan.LayerChoice;

/**
 * How much one option of one layer hurts, measured with that layer alone quantized. Fields a measurement did not
 * produce are null: a {@link SensitivityDepth#FAST} analysis measures on the whole model only with the rest float, and
 * only for the layers it ranks most sensitive; for the others {@code divergence} is predicted.
 *
 * @param metricDrop        FP32 metric minus the metric with only this layer at this option (rest float); null when predicted
 * @param divergence        output divergence from FP32 with only this layer quantized: mean KL of the softmax
 *                          outputs for classifiers, 1 - cosine or relative squared error otherwise; the solver's cost
 * @param metricDropVs8bit  the all-8-bit plan's metric minus the metric with this layer changed to this option (full depth only)
 * @param divergenceVs8bit  divergence from FP32 with the rest at 8 bits, minus the all-8-bit plan's divergence (full depth only)
 * @param localError        relative squared error of the layer's own output, run alone on its FP32 input (fast depth;
 *                          null where not probed)
 * @param predicted         true when {@code divergence} is predicted from {@code localError}, not measured on the model
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OptionSensitivity(String label, LayerChoice choice, Double metricDrop, double divergence,
                                Double metricDropVs8bit, Double divergenceVs8bit, Double localError, boolean predicted) {

    /** A full-depth measurement (no local error). */
    public OptionSensitivity(String label, LayerChoice choice, double metricDrop, double divergence, double metricDropVs8bit,
                             double divergenceVs8bit) {
        this(label, choice, metricDrop, divergence, metricDropVs8bit, divergenceVs8bit, null, false);
    }
}
