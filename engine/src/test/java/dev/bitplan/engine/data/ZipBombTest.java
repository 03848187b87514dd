package dev.bitplan.engine.data;

import static dev.bitplan.engine.data.TestFiles.assertRefused;
import static dev.bitplan.engine.data.TestFiles.npy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Archives that inflate far beyond the limit are refused without being inflated or allocated. */
class ZipBombTest {

    private static final long LIMIT = 64L << 20; // 64 MiB
    private static final int BOMB_BYTES = 300_000_000;
    private static byte[] bomb; // one entry: a .npy of 300 MB of zeros

    @BeforeAll
    static void buildBomb() throws IOException {
        bomb = deflatedNpy("bomb.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (" + BOMB_BYTES + ",), }",
                BOMB_BYTES);
        assertTrue(bomb.length < 2_000_000, "bomb should deflate to well under 2 MB, is " + bomb.length);
    }

    /** A zip with one deflated entry: a .npy header followed by {@code zeros} zero bytes, streamed. */
    private static byte[] deflatedNpy(String entryName, String header, long zeros) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(entryName));
            zip.write(npy(header, new byte[0]));
            byte[] chunk = new byte[1 << 20];
            for (long left = zeros; left > 0; left -= chunk.length) {
                zip.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static NpzFile readWithLimit(byte[] archive, String name) throws IOException {
        return new NpzReader(LIMIT, 16).read(new ByteArrayInputStream(archive), name);
    }

    @Test
    void smallIntegersCountAtTheEightBytesTheyAreHeldIn() throws IOException {
        // 10 MiB of uint8 is held as 80 MiB of long: over the 64 MiB limit; the same bytes as float32 are not
        byte[] bytes = deflatedNpy("input.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (" + (10 << 20) + ",), }", 10 << 20);
        assertRefused(Problem.UNUSABLE, () -> readWithLimit(bytes, "bytes.npz"), "more than 64 MiB", "8 bytes per value");
        byte[] floats = deflatedNpy("input.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (" + (10 << 18) + ",), }", 10 << 20);
        assertEquals(10 << 18, readWithLimit(floats, "floats.npz").arrays().get(0).length());
    }

    @Test
    void bombIsRefusedQuicklyAndWithoutMemory() {
        Runtime rt = Runtime.getRuntime();
        long usedBefore = rt.totalMemory() - rt.freeMemory();
        long start = System.nanoTime();
        assertRefused(Problem.UNUSABLE, () -> readWithLimit(bomb, "bomb.npz"), "'bomb.npz'", "more than 64 MiB");
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        long grown = (rt.totalMemory() - rt.freeMemory()) - usedBefore;
        assertTrue(seconds < 5, "took " + seconds + " s");
        assertTrue(grown < 100L << 20, "heap grew by " + grown + " bytes");
    }

    @Test
    void bombHiddenAfterASmallArrayIsNotInflated() throws IOException {
        // the header admits 16 bytes; the other 300 MB must be noticed, not inflated to the end
        byte[] hidden = deflatedNpy("x.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (16,), }",
                100_000_000);
        long start = System.nanoTime();
        assertRefused(Problem.CORRUPT, () -> readWithLimit(hidden, "hidden.npz"), "array 'x'", "more bytes than");
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "should stop after the declared data");
    }

    @Test
    void limitCountsAllEntriesTogether() throws IOException {
        // two entries of 40 MB each: each under the limit, together over it
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String name : new String[] {"a.npy", "b.npy"}) {
                zip.putNextEntry(new ZipEntry(name));
                zip.write(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (40000000,), }", new byte[40_000_000]));
                zip.closeEntry();
            }
        }
        InvalidInputException e = assertRefused(Problem.UNUSABLE, () -> readWithLimit(bytes.toByteArray(), "two.npz"),
                "'two.npz'", "64 MiB");
        assertTrue(e.getMessage().contains("unpacks to more than"), e.getMessage());
    }

    @Test
    void hugeHeaderCountsAgainstTheLimitAsItIsRead() {
        // a version 2.0 header of 500,000 spaces: the counter must stop it, as nothing declares a size
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }" + " ".repeat(500_000);
        byte[] archive = TestFiles.zip(new LinkedHashMap<>(Map.of("x.npy", npy(2, header, new byte[4]))), true);
        NpzReader reader = new NpzReader(100_000, 16);
        assertRefused(Problem.UNUSABLE, () -> reader.read(new ByteArrayInputStream(archive), "h.npz"),
                "'h.npz'", "more than 100000 bytes");
    }

    @Test
    void counterStopsOneBytePastTheLimit() throws IOException {
        int[] pulled = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                pulled[0]++;
                return 0;
            }
        };
        LimitedInputStream limited = new LimitedInputStream(endless, 1000,
                () -> new InvalidInputException(Problem.UNUSABLE, "over"));
        byte[] buf = new byte[4096];
        assertEquals(1000, limited.read(buf, 0, 1000));
        assertRefused(Problem.UNUSABLE, () -> limited.read(buf, 0, buf.length), "over");
        assertEquals(1001, pulled[0]); // asked the source for one byte past the limit, no more
    }
}
