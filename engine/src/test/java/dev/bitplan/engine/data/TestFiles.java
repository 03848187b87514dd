package dev.bitplan.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.function.Executable;

/** Builders for hand-made .npy/.npz bytes and assertions on refusals, shared by the data tests. */
final class TestFiles {

    private TestFiles() {
    }

    /** The shared fixtures folder: surefire's bitplan.fixtures, else ../../shared/fixtures from the module. */
    static Path fixtures() {
        String configured = System.getProperty("bitplan.fixtures");
        return Paths.get(configured != null ? configured : "../../shared/fixtures");
    }

    /** A numpy test file made by make_numpy_fixtures.py. */
    static Path resource(String name) {
        try {
            return Paths.get(TestFiles.class.getResource("/data/" + name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("missing test resource data/" + name, e);
        }
    }

    /** A version 1.0 .npy with the given header dict text and raw data bytes. */
    static byte[] npy(String headerDict, byte[] data) {
        return npy(1, headerDict, data);
    }

    static byte[] npy(int major, String headerDict, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] header = (headerDict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        out.writeBytes(Npy.MAGIC);
        out.write(major);
        out.write(0);
        out.write(header.length & 0xFF);
        out.write(header.length >>> 8);
        if (major != 1) {
            out.write(header.length >>> 16);
            out.write(header.length >>> 24);
        }
        out.writeBytes(header);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** A zip of the given entries, in map order, deflated or stored. */
    static byte[] zip(Map<String, byte[]> entries, boolean deflate) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    entry.setCompressedSize(e.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static NpzFile read(byte[] bytes, String fileName) throws IOException {
        return new NpzReader().read(new ByteArrayInputStream(bytes), fileName);
    }

    static byte[] write(NpzFile npz) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NpzWriter.write(npz, out);
        return out.toByteArray();
    }

    static Path writeTemp(Path dir, String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** Asserts that {@code action} is refused for {@code problem} with every keyword in its message. */
    static InvalidInputException assertRefused(Problem problem, Executable action, String... keywords) {
        InvalidInputException e = assertThrows(InvalidInputException.class, action);
        assertEquals(problem, e.problem(), () -> "problem for: " + e.getMessage());
        for (String k : keywords) {
            assertTrue(e.getMessage().contains(k), () -> "message lacks '" + k + "': " + e.getMessage());
        }
        return e;
    }
}
