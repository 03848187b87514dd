package dev.bitplan.engine.data;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * The arrays of one .npz (or .npy) file, in file order, their data decompressed once into raw files of a directory
 * of its own ({@link NpzReader#spill}); rows are read back from there on request. Closing deletes the directory; so
 * does the garbage collector if an owner forgets to close.
 */
public final class NpzSpill implements AutoCloseable {

    private static final Cleaner CLEANER = Cleaner.create();

    private final Path dir;
    private final List<SpilledArray> arrays = Collections.synchronizedList(new ArrayList<>());
    private final Cleaner.Cleanable deletion;

    private NpzSpill(Path dir) {
        this.dir = dir;
        this.deletion = CLEANER.register(this, new Deletion(dir)); // the action must not hold `this`
    }

    static NpzSpill createIn(Path dir) {
        return new NpzSpill(dir);
    }

    /** Reads one array from {@code data}; its data goes to a file of this spill if {@code keep}, else nowhere. */
    SpilledArray add(LimitedInputStream data, String name, String what, boolean keep) throws IOException {
        SpilledArray array;
        if (keep) {
            Path file = dir.resolve(arrays.size() + ".raw"); // array names need not be valid file names
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                array = new SpilledArray(name, Npy.copy(data, what, out), file);
            }
        } else {
            array = new SpilledArray(name, Npy.copy(data, what, OutputStream.nullOutputStream()), null);
        }
        arrays.add(array);
        return array;
    }

    /** Every array of the file, in file order; only those kept have their data here. */
    public List<SpilledArray> arrays() {
        return List.copyOf(arrays);
    }

    /** The directory the data lies in. */
    public Path directory() {
        return dir;
    }

    /** Bytes of the raw data files, as stored in the archive (a uint8 image takes 1 byte a value). */
    public long bytesOnDisk() {
        return arrays().stream().mapToLong(SpilledArray::bytesOnDisk).sum();
    }

    /** Deletes the data files and their directory. */
    @Override
    public void close() {
        deletion.clean();
    }

    private record Deletion(Path dir) implements Runnable {
        @Override
        public void run() {
            if (!Files.exists(dir)) {
                return;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the spilled arrays in " + dir, e);
            }
        }
    }
}
