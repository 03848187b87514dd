package dev.bitplan.engine.data;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes arrays as a deflated .npz (like np.savez_compressed) or a single .npy, both in .npy format 1.0. */
public final class NpzWriter {

    /** numpy stamps entries with this date too; a fixed stamp makes equal data give equal bytes. */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private NpzWriter() {
    }

    /** Writes {@code npz} to {@code file}, replacing it; array "x" becomes entry "x.npy". */
    public static void write(NpzFile npz, Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            write(npz, out);
        }
    }

    /** Writes {@code npz} as a zip to {@code out}, leaving {@code out} open. */
    public static void write(NpzFile npz, OutputStream out) throws IOException {
        OutputStream keepOpen = new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len); // FilterOutputStream would write byte by byte
            }

            @Override
            public void close() throws IOException {
                out.flush(); // the caller owns `out`
            }
        };
        try (ZipOutputStream zip = new ZipOutputStream(keepOpen)) {
            zip.setMethod(ZipOutputStream.DEFLATED);
            for (NdArray array : npz.arrays()) {
                ZipEntry entry = new ZipEntry(array.name() + ".npy");
                entry.setTimeLocal(ENTRY_TIME);
                zip.putNextEntry(entry);
                Npy.write(array, zip);
                zip.closeEntry();
            }
        }
    }

    /** Writes one array as a plain .npy file, as np.save does. */
    public static void writeNpy(NdArray array, Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            Npy.write(array, out);
        }
    }
}
