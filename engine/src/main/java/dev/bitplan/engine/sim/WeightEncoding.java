package dev.bitplan.engine.sim;

/** How quantized weights are written into a rewritten model. */
public enum WeightEncoding {
    /** Float initializers holding the dequantized values: the fake-quant simulation. */
    FAKE_QUANT,
    /**
     * Integer initializers and a DequantizeLinear (or Cast x scale before opset 13): the deployable model;
     * 4-bit weights packed as int4 where the opset allows (21 and up).
     */
    INTEGER,
    /**
     * Like {@link #INTEGER}, but 4-bit weights always in 8-bit containers: ONNX Runtime's integer kernels take
     * 8-bit weights only, and the values, hence the results, are the same. Embedding tables (Gather) keep
     * their dequantized floats, as in {@link #FAKE_QUANT}: there is no integer Gather kernel to run. What plans
     * are scored on.
     */
    INTEGER_UNPACKED;

    public boolean integer() {
        return this != FAKE_QUANT;
    }
}
