package dev.bitplan.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared fixture files (trained CNNs, real MNIST / Fashion-MNIST data); tests fail loudly when they are missing. */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path dir() {
        Path dir = Path.of(System.getProperty("bitplan.fixtures", "../../shared/fixtures"));
        assertTrue(Files.isDirectory(dir), "fixtures not found at " + dir.toAbsolutePath()
                + " (set -Dbitplan.fixtures=...; CI lays them beside the repository)");
        return dir;
    }

    public static Path file(String relative) {
        Path p = dir().resolve(relative);
        assertTrue(Files.isRegularFile(p), "missing fixture " + p);
        return p;
    }
}
