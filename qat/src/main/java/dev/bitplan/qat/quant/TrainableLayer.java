package dev.bitplan.qat.quant;

import ai.djl.ndarray.NDArray;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.qat.graph.FakeQuant;

/**
 * One quantized layer's trainable state: its float weight (BN-folded when the plan folds it) behind fake quantization
 * with the engine's scales, which stay fixed while training, and its float bias.
 *
 * @param layer        the engine's layer
 * @param folded       whether the plan folds the layer's BatchNormalization into it
 * @param weightName   the initializer the fake-quant model reads the layer's weight from
 * @param biasName     the initializer it reads the bias from (null: no bias)
 * @param weight       the float weight, a parameter
 * @param bias         the float bias, a parameter (null: no bias)
 * @param scale        the engine's weight scales, shaped to broadcast over the weight
 * @param qmax         7 at 4 bits, 127 at 8
 * @param smoothingScales SmoothQuant's s per weight row where the plan smooths the layer (the weight is then trained
 *                     with row j times s_j, as the smoothed LayerNorm's readers see it); null otherwise
 */
public record TrainableLayer(Layer layer, boolean folded, String weightName, String biasName, NDArray weight, NDArray bias,
                             NDArray scale, int qmax, float[] smoothingScales) {

    /** The weight as the forward pass sees it: on the quantization grid. */
    public NDArray fakeQuantizedWeight() {
        return FakeQuant.weight(weight, scale, qmax);
    }
}
