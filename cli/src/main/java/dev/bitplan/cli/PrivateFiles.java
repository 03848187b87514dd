package dev.bitplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bitplan.contracts.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Small JSON files that hold tokens: written whole (temp file, then rename) and readable by their owner only (mode 600). */
final class PrivateFiles {

    private PrivateFiles() {
    }

    static void writeJson(Path file, Object value) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp"); // created with mode 600 on POSIX
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            }
            Files.writeString(tmp, Json.write(value) + "\n");
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The file's JSON, or null when there is no such file. */
    static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Json.mapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new CommandFailure("cannot read " + file + ": " + e.getMessage() + "; delete it if it is damaged", 1, e);
        }
    }
}
