package dev.bitplan.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * docs/BENCHMARKS.md, where each benchmark owns one section between markers and rewrites only its
 * own section, so runs of different benchmarks do not erase each other.
 */
final class BenchmarksFile {

    private static final String HEADER = "# Benchmarks\n\nFigures written by `./bitplan bench ...`; each section says how it was run.\n";

    private BenchmarksFile() {
    }

    static void writeSection(Path file, String key, String markdown) {
        String start = "<!-- bench:" + key + ":start -->";
        String end = "<!-- bench:" + key + ":end -->";
        try {
            String text = Files.exists(file) ? Files.readString(file) : HEADER;
            String block = start + "\n" + markdown.strip() + "\n" + end;
            int a = text.indexOf(start);
            int b = text.indexOf(end);
            if (a >= 0 && b > a) {
                text = text.substring(0, a) + block + text.substring(b + end.length());
            } else {
                text = text.stripTrailing() + "\n\n" + block + "\n";
            }
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
