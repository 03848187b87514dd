package dev.bitplan.qat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * The PyTorch engine, set never to download anything: libtorch comes from the {@code pytorch-native-cpu} jar on the
 * classpath. Every DJL manager of this module starts here.
 */
public final class DjlRuntime {

    private DjlRuntime() {
    }

    /** PyTorch's intra-op threads unless {@code ai.djl.pytorch.num_threads} says otherwise (read once, at engine start). */
    public static final String DEFAULT_THREADS = "1";

    /**
     * A new base manager of the PyTorch engine. One intra-op thread by default: on our shared 2-core machines two libtorch
     * threads made a Fashion ResNet-8 QAT step 4-8x slower than one (OpenMP threads spin while the other core is busy).
     */
    public static NDManager newManager() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", DEFAULT_THREADS);
            System.setProperty("ai.djl.pytorch.num_interop_threads", DEFAULT_THREADS);
        }
        return Engine.getEngine("PyTorch").newBaseManager();
    }

    /** Seeds PyTorch's generator (nothing in a QAT step draws from it today; the data order is seeded separately). */
    public static void seed(long seed) {
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    }
}
