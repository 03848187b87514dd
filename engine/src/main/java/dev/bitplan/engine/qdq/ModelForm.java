package dev.bitplan.engine.qdq;

/** Which of the three models of a plan {@link PlanRewriter} writes: they differ only in how weights are stored. */
public enum ModelForm {
    /** Float initializers holding the dequantized values: the fake-quant simulation. */
    FAKE_QUANT,
    /**
     * Integer initializers and a DequantizeLinear (or Cast x scale before opset 13): the deployable QDQ model that
     * is exported; 4-bit weights packed as int4 where the opset allows (21 and up).
     */
    DEPLOYABLE,
    /**
     * Like {@link #DEPLOYABLE}, but 4-bit weights in 8-bit containers: ONNX Runtime's integer kernels take
     * 8-bit weights only, and the values, hence the results, are the same. Block-wise 4-bit MatMul weights stay packed
     * int4, as exported: that is the form ONNX Runtime runs as MatMulNBits. Embedding tables (Gather) keep
     * their dequantized floats, as in {@link #FAKE_QUANT}: there is no integer Gather kernel to run. What plans
     * are scored on by default.
     */
    INTEGER_SCORING;

    /** Whether weights are stored as integers behind a DequantizeLinear. */
    public boolean integer() {
        return this != FAKE_QUANT;
    }
}
