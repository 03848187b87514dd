package dev.bitplan.qat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * The PyTorch engine, set never to download anything: libtorch comes from the {@code pytorch-native-cpu} jar on the
 * classpath. Every DJL manager of this module starts here.
 */
public final class DjlRuntime {

    private DjlRuntime() {
    }

    /** PyTorch's intra-op threads unless {@code ai.djl.pytorch.num_threads} says otherwise (read once, at engine start). */
    public static final String DEFAULT_THREADS = "1";

    private static final System.Logger LOG = System.getLogger(DjlRuntime.class.getName());
    private static volatile boolean allocatorChecked;

    /**
     * A new base manager of the PyTorch engine. One intra-op thread by default, and the FP32 teacher runs on a thread of
     * its own: on 2 cores that measured as fast as two libtorch threads with the teacher in line (928 against 998 samples/s)
     * and keeps its speed when the other core is busy, where two OpenMP threads spin and a step took 4-8x as long.
     */
    public static NDManager newManager() {
        if (!allocatorChecked) {
            allocatorChecked = true;
            String note = allocatorNote();
            if (note != null) {
                LOG.log(System.Logger.Level.WARNING, note);
            }
        }
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", DEFAULT_THREADS);
            System.setProperty("ai.djl.pytorch.num_interop_threads", DEFAULT_THREADS);
        }
        return Engine.getEngine("PyTorch").newBaseManager();
    }

    /**
     * The glibc settings that keep large freed blocks in the heap, as {@code ./bitplan} and the worker image set them:
     * without them every activation-sized tensor of a QAT step is a fresh mmap whose pages fault in, and a Fashion
     * ResNet-8 step took twice as long (a fifth of the time in the kernel).
     */
    public static final List<String> ALLOCATOR_SETTINGS = List.of("MALLOC_MMAP_THRESHOLD_",
            "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_");

    /** A note for results and logs when this JVM started without {@link #ALLOCATOR_SETTINGS}; null when it has them. */
    public static String allocatorNote() {
        if (ALLOCATOR_SETTINGS.stream().allMatch(name -> System.getenv(name) != null)) {
            return null;
        }
        return "this JVM started without " + String.join(", ", ALLOCATOR_SETTINGS) + " (./bitplan sets them): QAT runs about "
                + "2x slower because glibc returns every large tensor's memory to the OS";
    }

    /** Seeds PyTorch's generator (nothing in a QAT step draws from it today; the data order is seeded separately). */
    public static void seed(long seed) {
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    }
}
