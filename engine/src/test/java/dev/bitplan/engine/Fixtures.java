package dev.bitplan.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared fixture files (trained CNNs, real MNIST / Fashion-MNIST data, real sentences) and the transformer models
 * Maven unpacks from their jars (BGE-small and its ORT dynamic-int8 sibling); tests fail loudly when any is missing.
 */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path dir() {
        Path dir = Path.of(System.getProperty("bitplan.fixtures", "../../shared/fixtures"));
        assertTrue(Files.isDirectory(dir), "fixtures not found at " + dir.toAbsolutePath()
                + " (set -Dbitplan.fixtures=...; CI lays them beside the repository)");
        return dir;
    }

    /** BGE-small-en-v1.5 as published (opset 11, FP32, 133 MB). */
    public static final String BGE_SMALL = "bge-small-en-v1.5.onnx";
    /** The same after ONNX Runtime's dynamic int8 quantization (34 MB): what a user would compare BitPlan with. */
    public static final String BGE_SMALL_ORT_INT8 = "bge-small-en-v1.5-q.onnx";

    /** A model the build unpacked under target/models (the parent pom's transformer-models execution). */
    public static Path model(String name) {
        Path p = Path.of(System.getProperty("bitplan.models", "target/models")).resolve(name);
        assertTrue(Files.isRegularFile(p), "missing model " + p.toAbsolutePath() + " (./mvnw generate-test-resources unpacks it)");
        return p;
    }

    public static Path file(String relative) {
        Path p = dir().resolve(relative);
        assertTrue(Files.isRegularFile(p), "missing fixture " + p);
        return p;
    }
}
