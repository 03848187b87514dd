package dev.bitplan.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bitplan.engine.InvalidInputException.Problem;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Files written by numpy itself (see resources/data/make_numpy_fixtures.py) read as numpy meant. */
class NumpyCompatibilityTest {

    private static float[] f4Values() {
        float[] v = new float[12];
        for (int i = 0; i < v.length; i++) {
            v[i] = i / 4f - 1;
        }
        return v;
    }

    @ParameterizedTest
    @ValueSource(strings = {"numpy_stored.npz", "numpy_compressed.npz"})
    void readsEveryDtypeNumpyWrites(String file) throws IOException {
        NpzFile npz = new NpzReader().read(TestFiles.resource(file));
        assertEquals(List.of("f4", "f8", "i1", "u1", "i4", "i8", "b1", "f4_big_endian", "i8_big_endian", "scalar",
                "empty"), npz.names());

        assertEquals(DType.FLOAT32, npz.get("f4").dtype());
        assertArrayEquals(new long[] {3, 4}, npz.get("f4").shape());
        assertArrayEquals(f4Values(), npz.get("f4").toFloatArray());
        assertArrayEquals(f4Values(), npz.get("f4_big_endian").toFloatArray());

        double[] f8 = new double[6];
        for (int i = 0; i < 6; i++) {
            f8[i] = i / 3.0 - 0.5;
        }
        assertArrayEquals(f8, npz.get("f8").toDoubleArray());

        assertArrayEquals(new long[] {-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5}, npz.get("i1").toLongArray());
        assertArrayEquals(new long[] {0, 1, 127, 128, 254, 255}, npz.get("u1").toLongArray());
        assertArrayEquals(new long[] {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE}, npz.get("i4").toLongArray());
        long[] i8 = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE};
        assertArrayEquals(i8, npz.get("i8").toLongArray());
        assertArrayEquals(i8, npz.get("i8_big_endian").toLongArray());
        assertEquals(DType.BOOL, npz.get("b1").dtype());
        assertArrayEquals(new long[] {1, 0, 1, 0, 0, 1}, npz.get("b1").toLongArray());

        assertArrayEquals(new long[0], npz.get("scalar").shape());
        assertArrayEquals(new float[] {2.5f}, npz.get("scalar").toFloatArray());
        assertArrayEquals(new long[] {0, 3}, npz.get("empty").shape());
    }

    @ParameterizedTest
    @ValueSource(strings = {"numpy_single.npy", "numpy_v2.npy", "numpy_v3.npy"})
    void readsSingleNpyInEveryFormatVersion(String file) throws IOException {
        NpzFile npz = new NpzReader().read(TestFiles.resource(file));
        String name = file.substring(0, file.length() - 4);
        assertEquals(List.of(name), npz.names());
        assertArrayEquals(new long[] {3, 4}, npz.get(name).shape());
        assertArrayEquals(f4Values(), npz.get(name).toFloatArray());
    }

    @org.junit.jupiter.api.Test
    void refusesWhatNumpyCanWriteButBitPlanCannotUse() {
        NpzReader reader = new NpzReader();
        TestFiles.assertRefused(Problem.UNUSABLE, () -> reader.read(TestFiles.resource("numpy_fortran.npy")),
                "numpy_fortran", "Fortran order", "np.ascontiguousarray");
        TestFiles.assertRefused(Problem.UNUSABLE, () -> reader.read(TestFiles.resource("numpy_object.npy")),
                "numpy_object", "holds Python objects (dtype=object)", "save it with a numeric dtype");
        TestFiles.assertRefused(Problem.UNUSABLE, () -> reader.read(TestFiles.resource("numpy_float16.npy")),
                "numpy_float16", "float16", "'<f2'", "float32");
        TestFiles.assertRefused(Problem.UNUSABLE, () -> reader.read(TestFiles.resource("numpy_structured.npy")),
                "numpy_structured", "structured dtype");
        TestFiles.assertRefused(Problem.UNUSABLE, () -> reader.read(TestFiles.resource("numpy_strings.npy")),
                "numpy_strings", "unicode string", "'<U2'");
    }
}
