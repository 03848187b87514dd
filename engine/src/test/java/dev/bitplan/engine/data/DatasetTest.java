package dev.bitplan.engine.data;

import static dev.bitplan.engine.data.TestFiles.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.bitplan.engine.InvalidInputException.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dataset.forModel accepts files that fit the model's inputs and explains, by name, those that do not. */
class DatasetTest {

    private static final InputSpec IMAGE = new InputSpec("input", DType.FLOAT32, new long[] {-1, 1, 2, 2});

    private static NdArray images(String name, int n) {
        float[] v = new float[n * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return NdArray.ofFloats(name, new long[] {n, 1, 2, 2}, v);
    }

    private static NdArray labels(long... values) {
        return NdArray.ofLongs("labels", DType.INT64, new long[] {values.length}, values);
    }

    @Test
    void singleInputWithLabels() {
        Dataset d = Dataset.forModel(NpzFile.of(images("input", 3), labels(7, 8, 9)), List.of(IMAGE));
        assertEquals(3, d.sampleCount());
        assertEquals(1, d.inputs().size());
        assertArrayEquals(new long[] {3, 1, 2, 2}, d.inputs().get(0).shape());
        assertArrayEquals(new long[] {7, 8, 9}, d.labels().orElseThrow());
    }

    @Test
    void singleInputArrayNamedInputFeedsAnInputOfAnotherName() {
        InputSpec pixels = new InputSpec("pixel_values", DType.FLOAT32, new long[] {-1, 1, 2, 2});
        Dataset d = Dataset.forModel(NpzFile.of(images("input", 2)), List.of(pixels));
        assertEquals("pixel_values", d.inputs().get(0).name());
        assertFalse(d.labels().isPresent());
    }

    @Test
    void multipleInputsComeInModelOrderAndIntegersFeedFloats() {
        InputSpec ids = new InputSpec("ids", DType.INT64, new long[] {-1, 3});
        InputSpec mask = new InputSpec("mask", DType.FLOAT32, new long[] {-1, 3});
        NdArray maskArray = NdArray.ofLongs("mask", DType.UINT8, new long[] {2, 3}, new long[] {1, 1, 0, 1, 0, 0});
        NdArray idsArray = NdArray.ofLongs("ids", DType.INT32, new long[] {2, 3}, new long[] {5, 6, 7, 8, 9, 10});
        Dataset d = Dataset.forModel(NpzFile.of(maskArray, idsArray), List.of(ids, mask));
        assertEquals("ids", d.inputs().get(0).name());
        assertEquals(DType.INT64, d.inputs().get(0).dtype());
        assertEquals(DType.FLOAT32, d.inputs().get(1).dtype());
        assertArrayEquals(new float[] {1, 1, 0, 1, 0, 0}, d.inputs().get(1).toFloatArray());
    }

    @Test
    void missingInputNamesWhatIsThereAndWhatIsExpected() {
        NpzFile npz = NpzFile.of(images("x", 2), labels(1, 2));
        assertRefused(Problem.UNUSABLE, () -> Dataset.forModel(npz, List.of(IMAGE)),
                "no array for model input 'input'", "'x', 'labels'", "[?, 1, 2, 2]");
        InputSpec pixels = new InputSpec("pixel_values", DType.FLOAT32, new long[] {-1, 1, 2, 2});
        assertRefused(Problem.UNUSABLE, () -> Dataset.forModel(npz, List.of(pixels)),
                "name it 'pixel_values' (or 'input')");
        InputSpec a = new InputSpec("a", DType.FLOAT32, new long[] {-1, 2});
        InputSpec b = new InputSpec("b", DType.FLOAT32, new long[] {-1, 2});
        NdArray onlyA = NdArray.ofFloats("a", new long[] {1, 2}, new float[2]);
        assertRefused(Problem.UNUSABLE, () -> Dataset.forModel(NpzFile.of(onlyA), List.of(a, b)),
                "model input 'b'", "'a'", "one array each");
    }

    @Test
    void mismatchedSampleCountsAreNamed() {
        NpzFile npz = NpzFile.of(images("input", 3), labels(1, 2));
        assertRefused(Problem.UNUSABLE, () -> Dataset.forModel(npz, List.of(IMAGE)),
                "'input' has 3", "'labels' has 2");
    }

    @Test
    void wrongSampleShapeIsExplained() {
        InputSpec mnist = new InputSpec("input", DType.FLOAT32, new long[] {-1, 1, 28, 28});
        NdArray cifarSized = NdArray.ofFloats("input", new long[] {2, 1, 32, 32}, new float[2 * 32 * 32]);
        assertRefused(Problem.UNUSABLE, () -> Dataset.forModel(NpzFile.of(cifarSized), List.of(mnist)),
                "array 'input' has samples of shape [1, 32, 32] but model input 'input' expects [1, 28, 28]");
        NdArray flat = NdArray.ofFloats("input", new long[] {2, 784}, new float[2 * 784]);
        assertRefused(Problem.UNUSABLE, () -> Dataset.forModel(NpzFile.of(flat), List.of(mnist)),
                "samples of shape [784]", "should be [2, 1, 28, 28]");
        InputSpec openWidth = new InputSpec("input", DType.FLOAT32, new long[] {-1, 1, 2, -1});
        NdArray wide = NdArray.ofFloats("input", new long[] {1, 1, 2, 5}, new float[10]);
        assertEquals(1, Dataset.forModel(NpzFile.of(wide), List.of(openWidth)).sampleCount());
    }

    @Test
    void labelsMustBeOneDimensionalIntegers() {
        NdArray floatLabels = NdArray.ofFloats("labels", new long[] {2}, new float[] {1, 2});
        assertRefused(Problem.UNUSABLE, () -> Dataset.forModel(NpzFile.of(images("input", 2), floatLabels),
                List.of(IMAGE)), "'labels'", "float32", "integer", "astype(np.int64)");
        NdArray oneHot = NdArray.ofLongs("labels", DType.INT64, new long[] {2, 3}, new long[6]);
        assertRefused(Problem.UNUSABLE, () -> Dataset.forModel(NpzFile.of(images("input", 2), oneHot),
                List.of(IMAGE)), "'labels'", "[2, 3]", "1-D", "argmax");
    }

    @Test
    void floatsMayNotFeedIntegerInputs() {
        InputSpec tokens = new InputSpec("input_ids", DType.INT64, new long[] {-1, 4});
        NdArray floats = NdArray.ofFloats("input_ids", new long[] {1, 4}, new float[] {1, 2, 3, 4});
        assertRefused(Problem.UNUSABLE, () -> Dataset.forModel(NpzFile.of(floats), List.of(tokens)),
                "array 'input_ids' holds float32", "model input 'input_ids' takes int64", "integer dtype");
    }

    @Test
    void integerValuesMustFitANarrowerInput() {
        InputSpec bytes = new InputSpec("x", DType.UINT8, new long[] {-1, 2});
        NdArray wide = NdArray.ofLongs("x", DType.INT64, new long[] {1, 2}, new long[] {3, 300});
        assertRefused(Problem.UNUSABLE, () -> Dataset.forModel(NpzFile.of(wide), List.of(bytes)),
                "array 'x'", "300", "uint8");
    }

    @Test
    void emptyDatasetIsRefused() {
        NdArray none = NdArray.ofFloats("input", new long[] {0, 1, 2, 2}, new float[0]);
        assertRefused(Problem.UNUSABLE, () -> Dataset.forModel(NpzFile.of(none), List.of(IMAGE)),
                "empty", "'input' has 0 samples");
    }

    @Test
    void nanAndInfAreCounted() {
        NdArray bad = images("input", 2);
        float[] v = bad.toFloatArray();
        v[1] = Float.NaN;
        v[5] = Float.NaN;
        v[6] = Float.POSITIVE_INFINITY;
        assertRefused(Problem.UNUSABLE, () -> Dataset.forModel(NpzFile.of(bad), List.of(IMAGE)),
                "array 'input' contains NaN (2 values) and Inf (1 value)");
        // float64 too large for a float32 input becomes Inf on conversion
        NdArray huge = NdArray.ofDoubles("input", new long[] {1, 1, 2, 2}, new double[] {0, 1, 1e300, 2});
        assertRefused(Problem.UNUSABLE, () -> Dataset.forModel(NpzFile.of(huge), List.of(IMAGE)),
                "Inf (1 value after conversion to float32)");
    }

    @Test
    void subsetPicksSamplesAndLabelsInOrder() {
        Dataset d = Dataset.forModel(NpzFile.of(images("input", 4), labels(10, 11, 12, 13)), List.of(IMAGE));
        Dataset s = d.subset(new int[] {3, 1});
        assertEquals(2, s.sampleCount());
        assertArrayEquals(new long[] {13, 11}, s.labels().orElseThrow());
        assertArrayEquals(new float[] {12, 13, 14, 15, 4, 5, 6, 7}, s.inputs().get(0).toFloatArray());
        assertArrayEquals(new long[] {2, 1, 2, 2}, s.inputs().get(0).shape());
    }
}
