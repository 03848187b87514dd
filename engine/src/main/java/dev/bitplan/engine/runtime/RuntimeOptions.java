package dev.bitplan.engine.runtime;

/**
 * How ONNX Runtime sessions are set up.
 *
 * @param threads           intra-op threads (the cores the evaluation may use)
 * @param fullOptimization  ORT_ENABLE_ALL (fusions such as QDQ -> QLinearConv); BASIC otherwise
 * @param exactQdq          keep every Q/DQ pair as written ({@code session.disable_quant_qdq}): needed for
 *                          simulation, because ORT's QDQ transformers otherwise re-quantize fake-quantized float
 *                          weights per tensor (WeightBiasQuantization) and change the numbers being measured
 */
public record RuntimeOptions(int threads, boolean fullOptimization, boolean exactQdq) {

    public RuntimeOptions(int threads, boolean fullOptimization) {
        this(threads, fullOptimization, false);
    }

    public static RuntimeOptions defaults() {
        return new RuntimeOptions(Math.max(1, Runtime.getRuntime().availableProcessors()), true, false);
    }

    /** The same settings for simulation: Q/DQ pairs executed exactly as written. */
    public RuntimeOptions forSimulation() {
        return new RuntimeOptions(threads, fullOptimization, true);
    }

    /** The same settings as a deployment would use: ORT free to fuse Q/DQ into integer kernels. */
    public RuntimeOptions forDeployment() {
        return new RuntimeOptions(threads, fullOptimization, false);
    }
}
