package dev.bitplan.contracts.report;

import java.util.List;

/**
 * What BitPlan sees in a model: its interface, its quantizable layers and what blocks quantization.
 *
 * @param opset        the opset BitPlan works at (models before 13 are upgraded to 13 on load)
 * @param sourceOpset  the opset of the file as given
 */
public record ModelInspection(int schemaVersion, int opset, int sourceOpset, long irVersion, String producer, List<TensorSpec> inputs,
                              List<TensorSpec> outputs, long fp32Bytes, List<LayerInfo> layers, List<String> blockers) {

    public static final int SCHEMA_VERSION = 1;

    /** A graph input or output; -1 marks a dynamic dimension. */
    public record TensorSpec(String name, String elementType, List<Long> shape) {
    }

    /**
     * One quantizable layer.
     *
     * @param pattern      the fusion group, e.g. {@code Conv+BN+Relu}
     * @param fusionModes  the fusion modes a plan may pick for it
     * @param macs         multiply-accumulates per sample
     */
    public record LayerInfo(String name, String kind, String pattern, List<Long> weightShape, long params, long macs,
                            List<String> fusionModes) {
    }
}
