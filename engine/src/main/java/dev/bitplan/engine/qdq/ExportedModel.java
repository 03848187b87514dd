package dev.bitplan.engine.qdq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A deployable QDQ model: its bytes and what the exporter chose where the opset left a choice. */
public record ExportedModel(byte[] bytes, List<String> notes) {

    public long sizeBytes() {
        return bytes.length;
    }

    public void writeTo(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
