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

    public static NDManager newManager() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        return Engine.getEngine("PyTorch").newBaseManager();
    }

    /** Seeds PyTorch's generator (nothing in a QAT step draws from it today; the data order is seeded separately). */
    public static void seed(long seed) {
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    }
}
