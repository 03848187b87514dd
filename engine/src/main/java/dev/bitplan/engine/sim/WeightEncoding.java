package dev.bitplan.engine.sim;

/** How quantized weights are written into a rewritten model. */
public enum WeightEncoding {
    /** Float initializers holding the dequantized values: the simulation. */
    FAKE_QUANT,
    /** Integer initializers and a DequantizeLinear (or Cast x scale before opset 13): the deployable model. */
    INTEGER
}
