package dev.bitplan.qat.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory, as Linux reports it: the JVM heap, ONNX Runtime's and libtorch's native buffers
 * together (the JVM sees only its heap; libtorch's allocator is not visible through DJL).
 */
public final class ResidentMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {
    }

    /** Resident bytes now, or null where /proc is not there. */
    public static Long bytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted: no figure
        }
        return null;
    }

    /** The largest of the samples taken so far. */
    public static final class Peak {
        private Long peak;

        public synchronized void sample() {
            Long now = ResidentMemory.bytes();
            if (now != null && (peak == null || now > peak)) {
                peak = now;
            }
        }

        public synchronized Long largest() {
            return peak;
        }
    }
}
