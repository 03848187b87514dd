package dev.bitplan.engine.qdq;

import dev.bitplan.engine.quant.QuantizedWeight;

/**
 * A layer's weights prepared for one option: the integer weights, their float image (what simulation
 * and DequantizeLinear both compute) and the bias to use (BN-folded when folded; null if none).
 */
public record LayerWeights(QuantizedWeight quantized, float[] dequantized, float[] bias) {
}
