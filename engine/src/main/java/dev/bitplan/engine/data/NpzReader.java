package dev.bitplan.engine.data;

import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Reads numpy .npz archives (stored or deflated) and single .npy files into an {@link NpzFile}.
 *
 * <p>Everything is read as a stream: sizes that the zip or .npy headers declare are never trusted
 * for allocation beyond the limit on uncompressed bytes, which counts the bytes actually inflated.
 * Every problem with the file is reported as an {@link InvalidInputException} naming the file and array.
 */
public final class NpzReader {

    /** Default cap on uncompressed bytes read from one file. */
    public static final long DEFAULT_MAX_BYTES = 2L << 30; // 2 GiB
    /** Default cap on zip entries: a dataset has a handful of arrays, not thousands. */
    public static final int DEFAULT_MAX_ENTRIES = 1024;

    private static final byte[] ZIP_LOCAL_HEADER = {'P', 'K', 3, 4};
    private static final byte[] ZIP_EMPTY_ARCHIVE = {'P', 'K', 5, 6};

    private final long maxBytes;
    private final int maxEntries;

    public NpzReader() {
        this(DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES);
    }

    /**
     * @param maxBytes   most bytes one file may take: uncompressed headers and data, all entries together, with
     *                   integer and bool arrays counted at the 8 bytes per value they are held at
     * @param maxEntries most entries an archive may hold
     */
    public NpzReader(long maxBytes, int maxEntries) {
        if (maxBytes <= 0 || maxEntries <= 0) {
            throw new IllegalArgumentException("limits must be positive: maxBytes=" + maxBytes
                    + ", maxEntries=" + maxEntries);
        }
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
    }

    /** Reads an .npz or .npy file, telling them apart by their first bytes, not their name. */
    public NpzFile read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.getFileName().toString());
        }
    }

    /**
     * Reads an .npz or .npy from a stream; {@code fileName} names it in messages and, for a single
     * .npy, gives the array its name ("digits.npy" holds array "digits"). Does not close {@code in}.
     */
    public NpzFile read(InputStream in, String fileName) throws IOException {
        return NpzFile.of(readArrays(in, fileName, Npy::read));
    }

    /**
     * Reads an .npz or .npy file as {@link #read(Path)} does, with the same checks and limits, but decompresses the
     * data of the arrays {@code keep} names into raw files of a new directory under {@code java.io.tmpdir}, one pass
     * through a small buffer, instead of holding them; the other arrays are read through and only described. Nothing
     * is left on disk when this throws; closing the result deletes the files.
     */
    public NpzSpill spill(Path file, Predicate<String> keep) throws IOException {
        NpzSpill spill = NpzSpill.createIn(Files.createTempDirectory("bitplan-npz-"));
        try (InputStream in = Files.newInputStream(file)) {
            readArrays(in, file.getFileName().toString(), (data, name, what) ->
                    spill.add(data, name, what, keep.test(name)));
            return spill;
        } catch (IOException | RuntimeException e) {
            spill.close();
            throw e;
        }
    }

    /** What is made of one array as it is read; {@code what} names it in messages. */
    @FunctionalInterface
    interface ArrayReader<T> {
        T read(LimitedInputStream data, String name, String what) throws IOException;
    }

    private <T> List<T> readArrays(InputStream in, String fileName, ArrayReader<T> reader) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(new FilterInputStream(in) {
            @Override
            public void close() {
                // the caller opened `in` and closes it; we only release what we wrap around it
            }
        });
        byte[] head = new byte[Npy.MAGIC.length];
        buffered.mark(head.length);
        int got = Npy.readUpTo(buffered, head, 0, head.length);
        buffered.reset();
        String where = "'" + fileName + "'";
        if (got == 0) {
            throw new InvalidInputException(Problem.WRONG_FORMAT, where + " is empty (0 bytes)");
        }
        try {
            if (startsWith(head, got, ZIP_LOCAL_HEADER) || startsWith(head, got, ZIP_EMPTY_ARCHIVE)) {
                return readZip(buffered, where, reader);
            }
            if (Npy.startsWithMagic(head, got)) {
                String name = stem(fileName);
                LimitedInputStream limited = new LimitedInputStream(buffered, maxBytes, overLimit(where));
                return List.of(reader.read(limited, name, "array '" + name + "' in " + where));
            }
        } catch (ZipException | EOFException e) {
            // the zip layer itself fails: truncated deflate stream, bad headers, unsupported zip features
            throw new InvalidInputException(Problem.CORRUPT, where + " is damaged or cut short and cannot be "
                    + "unpacked (" + e.getMessage() + "); save it again with np.savez or np.savez_compressed", e);
        }
        throw new InvalidInputException(Problem.WRONG_FORMAT, where + " is neither an .npz (zip) nor an .npy file; "
                + "save the data with np.savez(path, input=x, labels=y)");
    }

    private <T> List<T> readZip(InputStream in, String where, ArrayReader<T> reader) throws IOException {
        List<T> arrays = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (ZipInputStream zip = new ZipInputStream(in)) { // closing frees the inflater at once
            // one counter for all entries: it sees the inflated bytes, whatever the zip headers claim
            LimitedInputStream data = new LimitedInputStream(zip, maxBytes, overLimit(where));
            ZipEntry entry;
            while ((entry = nextEntry(zip, where)) != null) {
                String name = arrayName(entry, arrays.size() + 1, seen, where);
                arrays.add(reader.read(data, name, "array '" + name + "' in " + where));
            }
        }
        return arrays;
    }

    /** Checks one entry's place in the archive; returns its array's name. {@code index} counts entries from 1. */
    private String arrayName(ZipEntry entry, int index, Set<String> seen, String where) {
        if (index > maxEntries) {
            throw new InvalidInputException(Problem.UNUSABLE, where + " holds more than " + maxEntries
                    + " entries, the limit; a dataset needs one array per model input plus 'labels'");
        }
        String entryName = entry.getName();
        if (entry.isDirectory() || !entryName.endsWith(".npy")) {
            throw new InvalidInputException(Problem.WRONG_FORMAT, where + " holds '" + entryName
                    + "', which is not a .npy array; an .npz may only hold arrays (save it with np.savez)");
        }
        String name = entryName.substring(0, entryName.length() - ".npy".length());
        if (!seen.add(name)) {
            throw new InvalidInputException(Problem.CORRUPT, where + " holds two entries named '" + entryName
                    + "'; each array must appear once");
        }
        return name;
    }

    private static ZipEntry nextEntry(ZipInputStream zip, String where) throws IOException {
        try {
            return zip.getNextEntry();
        } catch (IllegalArgumentException e) {
            // ZipInputStream reports entry names that are not valid UTF-8 this way
            throw new InvalidInputException(Problem.CORRUPT, where + " has an entry with an unreadable name ("
                    + e.getMessage() + ")", e);
        }
    }

    private Supplier<InvalidInputException> overLimit(String where) {
        return () -> new InvalidInputException(Problem.UNUSABLE, where + " unpacks to more than "
                + describeBytes(maxBytes) + " of data, the limit for one file (integer and bool arrays count 8 bytes "
                + "per value, as they are held in memory); upload fewer samples or split them across files");
    }

    /** "2 GiB", "64 MiB" or "1000 bytes": limits read better in binary units when they are round. */
    static String describeBytes(long n) {
        if (n >= 1L << 30 && n % (1L << 30) == 0) {
            return (n >> 30) + " GiB";
        }
        if (n >= 1L << 20 && n % (1L << 20) == 0) {
            return (n >> 20) + " MiB";
        }
        return n + " bytes";
    }

    private static boolean startsWith(byte[] head, int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (head[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** "data/digits.npy" gives "digits": a lone .npy names its array after the file. */
    private static String stem(String fileName) {
        String base = fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
        return base.endsWith(".npy") ? base.substring(0, base.length() - 4) : base;
    }
}
