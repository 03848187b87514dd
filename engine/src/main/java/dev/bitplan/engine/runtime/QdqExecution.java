package dev.bitplan.engine.runtime;

/** What ONNX Runtime may do with the Q/DQ pairs of a quantized model. */
public enum QdqExecution {
    /**
     * Every Q/DQ pair runs as written ({@code session.disable_quant_qdq}): the fake-quant simulation, where
     * ORT's QDQ transformers would otherwise re-quantize fake-quantized float weights per tensor.
     */
    AS_WRITTEN,
    /**
     * Q/DQ around integer weights fuse into integer kernels, but a float layer between quantized tensors stays
     * float: ORT's WeightBiasQuantization, which quantizes such a layer's float weights to int8 per tensor so it
     * fuses too, is turned off. Scoring a plan that keeps a layer in float must measure it in float.
     */
    INTEGER_KERNELS,
    /** ORT's defaults, as a deployment runs the exported model. */
    DEPLOYMENT
}
