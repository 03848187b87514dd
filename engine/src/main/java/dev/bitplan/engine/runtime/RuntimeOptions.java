package dev.bitplan.engine.runtime;

/**
 * How ONNX Runtime sessions are set up.
 *
 * @param threads           intra-op threads (the cores the evaluation may use)
 * @param fullOptimization  ORT_ENABLE_ALL (fusions such as QDQ -> QLinearConv); BASIC otherwise
 */
public record RuntimeOptions(int threads, boolean fullOptimization) {

    public static RuntimeOptions defaults() {
        return new RuntimeOptions(Math.max(1, Runtime.getRuntime().availableProcessors()), true);
    }
}
