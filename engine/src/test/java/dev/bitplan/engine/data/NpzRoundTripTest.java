package dev.bitplan.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** NpzWriter output read back by NpzReader gives the same arrays, for every dtype and odd shapes. */
class NpzRoundTripTest {

    @TempDir
    Path tmp;

    /** Values at the edges of each type's range, in a 2x3 shape. */
    static NdArray sample(DType dtype) {
        long[] shape = {2, 3};
        return switch (dtype) {
            case FLOAT32 -> NdArray.ofFloats("a", shape,
                    new float[] {-1.5f, 0f, Float.MIN_VALUE, Float.MAX_VALUE, -0f, 3.25e-7f});
            case FLOAT64 -> NdArray.ofDoubles("a", shape,
                    new double[] {-1.5, 0, Double.MIN_VALUE, Double.MAX_VALUE, Math.PI, -1e300});
            case INT8 -> NdArray.ofLongs("a", dtype, shape, new long[] {-128, -1, 0, 1, 100, 127});
            case UINT8 -> NdArray.ofLongs("a", dtype, shape, new long[] {0, 1, 127, 128, 200, 255});
            case INT32 -> NdArray.ofLongs("a", dtype, shape,
                    new long[] {Integer.MIN_VALUE, -1, 0, 1, 65536, Integer.MAX_VALUE});
            case INT64 -> NdArray.ofLongs("a", dtype, shape,
                    new long[] {Long.MIN_VALUE, -1, 0, 1, 1L << 40, Long.MAX_VALUE});
            case BOOL -> NdArray.ofLongs("a", dtype, shape, new long[] {1, 0, 0, 1, 1, 0});
        };
    }

    static void assertSameArray(NdArray expected, NdArray actual) {
        assertEquals(expected.name(), actual.name());
        assertEquals(expected.dtype(), actual.dtype());
        assertArrayEquals(expected.shape(), actual.shape());
        if (expected.dtype().isFloating()) {
            assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray()); // exact, bit for bit
        } else {
            assertArrayEquals(expected.toLongArray(), actual.toLongArray());
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void everyDtypeSurvivesNpz(DType dtype) throws IOException {
        NdArray a = sample(dtype);
        NpzFile back = TestFiles.read(TestFiles.write(NpzFile.of(a)), "rt.npz");
        assertEquals(List.of("a"), back.names());
        assertSameArray(a, back.get("a"));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void everyDtypeSurvivesNpyFile(DType dtype) throws IOException {
        Path file = tmp.resolve("a.npy");
        NpzWriter.writeNpy(sample(dtype), file);
        NpzFile back = new NpzReader().read(file);
        assertSameArray(sample(dtype), back.get("a"));
    }

    @Test
    void severalArraysKeepTheirOrderAndNames() throws IOException {
        NdArray z = NdArray.ofLongs("z", DType.INT64, new long[] {3}, new long[] {7, 8, 9});
        NdArray a = NdArray.ofFloats("a", new long[] {1, 2}, new float[] {1f, 2f});
        NdArray m = NdArray.ofLongs("m", DType.UINT8, new long[] {2}, new long[] {4, 5});
        Path file = tmp.resolve("three.npz");
        NpzWriter.write(NpzFile.of(z, a, m), file);
        NpzFile back = new NpzReader().read(file);
        assertEquals(List.of("z", "a", "m"), back.names());
        assertSameArray(z, back.get("z"));
        assertSameArray(a, back.get("a"));
        assertSameArray(m, back.get("m"));
    }

    @Test
    void scalarsEmptyArraysAndLargeArraysSurvive() throws IOException {
        NdArray scalar = NdArray.ofDoubles("s", new long[0], new double[] {2.5});
        NdArray empty = NdArray.ofFloats("e", new long[] {0, 3}, new float[0]);
        float[] big = new float[100_000]; // spans several read/write chunks
        for (int i = 0; i < big.length; i++) {
            big[i] = i * 0.5f;
        }
        NdArray large = NdArray.ofFloats("big", new long[] {100, 1000}, big);
        NpzFile back = TestFiles.read(TestFiles.write(NpzFile.of(scalar, empty, large)), "odd.npz");
        assertSameArray(scalar, back.get("s"));
        assertSameArray(empty, back.get("e"));
        assertSameArray(large, back.get("big"));
    }

    @Test
    void writingIsDeterministic() throws IOException {
        NpzFile npz = NpzFile.of(sample(DType.FLOAT32), NdArray.ofLongs("b", DType.INT8, new long[] {1}, new long[] {1}));
        assertArrayEquals(TestFiles.write(npz), TestFiles.write(npz));
    }

    @Test
    void headerIsPaddedTo64BytesAsNumpyDoes() throws IOException {
        Path file = tmp.resolve("h.npy");
        NpzWriter.writeNpy(sample(DType.INT32), file);
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        int headerLen = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
        assertEquals(0, (10 + headerLen) % 64);
        assertEquals('\n', bytes[10 + headerLen - 1]);
        assertEquals(10 + headerLen + 6 * 4, bytes.length);
    }
}
