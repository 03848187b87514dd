package dev.bitplan.engine.runtime;

/**
 * How ONNX Runtime sessions are set up.
 *
 * @param threads                   intra-op threads (the cores the evaluation may use)
 * @param fullOptimization          ORT_ENABLE_ALL (fusions such as QDQ -> QLinearConv, NCHWc layouts); BASIC otherwise
 * @param qdq                       what ORT may do with Q/DQ pairs
 * @param matMulNBitsAccuracyLevel  the compute type of the MatMulNBits kernels ORT makes of block-wise 4-bit weights
 *                                  ({@code session.qdq_matmulnbits_accuracy_level}): -1 leaves ORT's default, 4, which
 *                                  quantizes the float activations to int8 per block inside the kernel (what a deployment
 *                                  with default options runs); 0 or 1 computes in float32, exactly the weight-only product
 */
public record RuntimeOptions(int threads, boolean fullOptimization, QdqExecution qdq, int matMulNBitsAccuracyLevel) {

    /** ORT's own choice of {@link #matMulNBitsAccuracyLevel}, as a deployment with default session options gets. */
    public static final int ORT_DEFAULT_ACCURACY_LEVEL = -1;

    public RuntimeOptions(int threads, boolean fullOptimization, QdqExecution qdq) {
        this(threads, fullOptimization, qdq, ORT_DEFAULT_ACCURACY_LEVEL);
    }

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
        return new RuntimeOptions(count, fullOptimization, qdq, matMulNBitsAccuracyLevel);
    }

    public RuntimeOptions withQdq(QdqExecution value) {
        return new RuntimeOptions(threads, fullOptimization, value, matMulNBitsAccuracyLevel);
    }

    public RuntimeOptions withMatMulNBitsAccuracyLevel(int level) {
        return new RuntimeOptions(threads, fullOptimization, qdq, level);
    }
}
