package dev.bitplan.engine.data;

import static dev.bitplan.engine.data.TestFiles.assertRefused;
import static dev.bitplan.engine.data.TestFiles.npy;
import static dev.bitplan.engine.data.TestFiles.read;
import static dev.bitplan.engine.data.TestFiles.zip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.bitplan.engine.InvalidInputException.Problem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each kind of bad file is refused with the right Problem and a message naming the file and array. */
class NpzReaderErrorTest {

    private static final String F4_4 = "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }";

    private static byte[] zipOf(String entry, byte[] content) {
        return zip(Map.of(entry, content), true);
    }

    @Test
    void notAZipNorNpyIsWrongFormat() {
        byte[] csv = "label,pixel0\n3,0\n".getBytes(StandardCharsets.US_ASCII);
        assertRefused(Problem.WRONG_FORMAT, () -> read(csv, "digits.csv"), "'digits.csv'", "neither", "np.savez");
        assertRefused(Problem.WRONG_FORMAT, () -> read(new byte[0], "empty.npz"), "'empty.npz'", "empty");
    }

    @Test
    void zipEntryThatIsNotNpyIsWrongFormat() {
        assertRefused(Problem.WRONG_FORMAT, () -> read(zipOf("readme.txt", new byte[] {1, 2}), "d.npz"),
                "'d.npz'", "'readme.txt'", "not a .npy");
        assertRefused(Problem.WRONG_FORMAT, () -> read(zipOf("x.npy", "hello world".getBytes()), "d.npz"),
                "array 'x' in 'd.npz'", "not a .npy");
    }

    @Test
    void truncatedDataSaysHowManyBytesWereExpected() {
        byte[] shortData = npy(F4_4, new byte[10]); // 4 float32 need 16 bytes
        assertRefused(Problem.CORRUPT, () -> read(zipOf("x.npy", shortData), "d.npz"),
                "array 'x' in 'd.npz'", "cut short", "needs 16 bytes", "only 10");
        assertRefused(Problem.CORRUPT, () -> read(shortData, "x.npy"), "'x.npy'", "needs 16 bytes", "only 10");
        byte[] shortHeader = Arrays.copyOf(npy(F4_4, new byte[16]), 30);
        assertRefused(Problem.CORRUPT, () -> read(shortHeader, "x.npy"), "cut short", "header");
        assertRefused(Problem.CORRUPT, () -> read(zipOf("x.npy", new byte[0]), "d.npz"), "array 'x'", "empty");
    }

    @Test
    void truncatedZipIsCorrupt() throws IOException {
        float[] values = new float[50_000];
        Arrays.fill(values, 0.25f);
        for (int i = 0; i < values.length; i += 7) {
            values[i] = i; // keep the deflated stream long enough to cut
        }
        byte[] whole = TestFiles.write(NpzFile.of(NdArray.ofFloats("input", new long[] {50_000}, values)));
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);
        assertRefused(Problem.CORRUPT, () -> read(cut, "cut.npz"), "'cut.npz'", "cut short");
    }

    @Test
    void extraBytesAfterTheDataAreCorrupt() {
        byte[] tooLong = npy(F4_4, new byte[20]);
        assertRefused(Problem.CORRUPT, () -> read(zipOf("x.npy", tooLong), "d.npz"),
                "array 'x'", "more bytes than", "16 bytes");
    }

    @Test
    void objectArraysAreRefused() {
        byte[] object = npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", new byte[16]);
        assertRefused(Problem.UNUSABLE, () -> read(zipOf("ids.npy", object), "d.npz"),
                "array 'ids' in 'd.npz'", "holds Python objects (dtype=object)", "save it with a numeric dtype");
    }

    @Test
    void fortranOrderIsRefused() {
        byte[] fortran = npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]);
        assertRefused(Problem.UNUSABLE, () -> read(zipOf("input.npy", fortran), "d.npz"),
                "array 'input'", "is in Fortran order", "np.ascontiguousarray");
    }

    @Test
    void unsupportedDtypesAreNamed() {
        byte[] u16 = npy("{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }", new byte[4]);
        assertRefused(Problem.UNUSABLE, () -> read(zipOf("x.npy", u16), "d.npz"),
                "array 'x'", "uint16", "'<u2'", "float32, float64, int8, uint8, int32, int64, bool");
        byte[] c8 = npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new byte[8]);
        assertRefused(Problem.UNUSABLE, () -> read(zipOf("x.npy", c8), "d.npz"), "complex64");
    }

    @Test
    void bigEndianIsConverted() throws IOException {
        byte[] data = {0x3F, (byte) 0x80, 0, 0, (byte) 0xC0, 0, 0, 0}; // 1.0f, -2.0f big-endian
        byte[] be = npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", data);
        assertArrayEquals(new float[] {1f, -2f}, read(zipOf("x.npy", be), "d.npz").get("x").toFloatArray());
    }

    @Test
    void damagedHeadersAreCorrupt() {
        byte[] syntax = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,", new byte[16]);
        assertRefused(Problem.CORRUPT, () -> read(zipOf("x.npy", syntax), "d.npz"), "array 'x'", "damaged .npy header");
        byte[] noShape = npy("{'descr': '<f4', 'fortran_order': False}", new byte[16]);
        assertRefused(Problem.CORRUPT, () -> read(zipOf("x.npy", noShape), "d.npz"), "'shape'");
        byte[] negative = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-4,), }", new byte[16]);
        assertRefused(Problem.CORRUPT, () -> read(zipOf("x.npy", negative), "d.npz"), "invalid shape");
        byte[] version4 = npy(4, F4_4, new byte[16]);
        assertRefused(Problem.WRONG_FORMAT, () -> read(zipOf("x.npy", version4), "d.npz"), "version 4.0");
    }

    @Test
    void duplicateNamesAreRefused() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("x.npy", npy(F4_4, new byte[16]));
        entries.put("y.npy", npy(F4_4, new byte[16]));
        byte[] bytes = zip(entries, true);
        // ZipOutputStream will not write duplicates, so rename y.npy to x.npy in the finished archive
        replaceAll(bytes, "y.npy".getBytes(), "x.npy".getBytes());
        assertRefused(Problem.CORRUPT, () -> read(bytes, "dup.npz"), "'dup.npz'", "two entries named 'x.npy'");
    }

    @Test
    void tooManyEntriesAreRefused() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 11; i++) {
            entries.put("a" + i + ".npy", npy(F4_4, new byte[16]));
        }
        NpzReader reader = new NpzReader(1 << 20, 10);
        assertRefused(Problem.UNUSABLE,
                () -> reader.read(new ByteArrayInputStream(zip(entries, false)), "many.npz"),
                "'many.npz'", "more than 10 entries");
    }

    @Test
    void storedAndDeflatedEntriesBothRead() throws IOException {
        byte[] data = new byte[16];
        for (boolean deflate : new boolean[] {true, false}) {
            NpzFile npz = read(zip(Map.of("x.npy", npy(F4_4, data)), deflate), "d.npz");
            assertArrayEquals(new long[] {4}, npz.get("x").shape());
        }
    }

    private static void replaceAll(byte[] bytes, byte[] from, byte[] to) {
        for (int i = 0; i + from.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, bytes, i, to.length);
            }
        }
    }
}
