package dev.bitplan.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The layering rules of DESIGN.md, checked on the sources rather than hoped for. */
class ArchitectureTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern FRAMEWORK = Pattern.compile(
            "^import (static )?(io\\.quarkus|jakarta\\.|javax\\.persistence|org\\.eclipse\\.microprofile|org\\.apache\\.kafka|org\\.hibernate)",
            Pattern.MULTILINE);

    @Test
    void librariesImportNoFrameworkOrKafkaClass() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (String module : List.of("contracts", "engine", "planner", "qat")) {
            for (Path f : javaFiles(ROOT.resolve(module).resolve("src/main/java"))) {
                if (FRAMEWORK.matcher(Files.readString(f)).find()) {
                    offenders.add(ROOT.relativize(f).toString());
                }
            }
        }
        assertEquals(List.of(), offenders, "libraries must stay framework-free");
    }

    @Test
    void onlyTheRuntimePackageTouchesOnnxRuntime() throws IOException {
        List<Path> files = javaFiles(ROOT.resolve("engine/src/main/java"));
        assertTrue(files.size() > 30, "found the engine sources");
        List<String> offenders = new ArrayList<>();
        for (Path f : files) {
            boolean inRuntime = f.toString().replace('\\', '/').contains("/dev/bitplan/engine/runtime/");
            if (!inRuntime && Files.readString(f).contains("import ai.onnxruntime")) {
                offenders.add(f.getFileName().toString());
            }
        }
        assertEquals(List.of(), offenders, "ai.onnxruntime belongs to dev.bitplan.engine.runtime only");
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }
}
