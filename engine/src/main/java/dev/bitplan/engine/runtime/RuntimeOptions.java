package dev.bitplan.engine.runtime;

/**
 * How ONNX Runtime sessions are set up.
 *
 * @param threads           intra-op threads (the cores the evaluation may use)
 * @param fullOptimization  ORT_ENABLE_ALL (fusions such as QDQ -> QLinearConv, NCHWc layouts); BASIC otherwise
 * @param qdq               what ORT may do with Q/DQ pairs
 */
public record RuntimeOptions(int threads, boolean fullOptimization, QdqExecution qdq) {

    public RuntimeOptions(int threads, boolean fullOptimization) {
        this(threads, fullOptimization, QdqExecution.DEPLOYMENT);
    }

    public static RuntimeOptions defaults() {
        return new RuntimeOptions(Math.max(1, Runtime.getRuntime().availableProcessors()), true, QdqExecution.DEPLOYMENT);
    }

    /** The same settings for fake-quant simulation: Q/DQ pairs executed exactly as written. */
    public RuntimeOptions forSimulation() {
        return withQdq(QdqExecution.AS_WRITTEN);
    }

    /** The same settings for scoring on integer kernels: Q/DQ fused, float layers left float. */
    public RuntimeOptions forIntegerScoring() {
        return withQdq(QdqExecution.INTEGER_KERNELS);
    }

    /** The same settings as a deployment would use: ORT free to fuse Q/DQ into integer kernels. */
    public RuntimeOptions forDeployment() {
        return withQdq(QdqExecution.DEPLOYMENT);
    }

    public RuntimeOptions withThreads(int count) {
        return new RuntimeOptions(count, fullOptimization, qdq);
    }

    public RuntimeOptions withQdq(QdqExecution value) {
        return new RuntimeOptions(threads, fullOptimization, value);
    }
}
