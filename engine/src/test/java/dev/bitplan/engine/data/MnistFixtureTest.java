package dev.bitplan.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real MNIST test file reads as documented and makes a usable dataset for the ResNet-8 fixture. */
class MnistFixtureTest {

    private static NpzFile mnistTest() throws IOException {
        Path file = TestFiles.fixtures().resolve("mnist/mnist_test.npz");
        assertTrue(Files.isRegularFile(file), "fixture not found: " + file.toAbsolutePath()
                + " (set -Dbitplan.fixtures to the shared fixtures folder)");
        return new NpzReader().read(file);
    }

    @Test
    void readsInputsAndLabels() throws IOException {
        NpzFile npz = mnistTest();
        assertEquals(List.of("input", "labels"), npz.names());
        NdArray input = npz.get("input");
        assertEquals(DType.FLOAT32, input.dtype());
        assertArrayEquals(new long[] {2000, 1, 28, 28}, input.shape());
        float[] pixels = input.toFloatArray();
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float p : pixels) {
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        assertTrue(min >= 0 && max <= 1 && max > 0.5, "pixels in 0..1, got " + min + ".." + max);

        NdArray labels = npz.get("labels");
        assertEquals(DType.INT64, labels.dtype());
        assertArrayEquals(new long[] {2000}, labels.shape());
        assertTrue(Arrays.stream(labels.toLongArray()).allMatch(l -> l >= 0 && l <= 9));
        assertEquals(10, Arrays.stream(labels.toLongArray()).distinct().count(), "every digit present");
    }

    @Test
    void feedsTheResnet8InputAndSplits() throws IOException {
        InputSpec input = new InputSpec("input", DType.FLOAT32, new long[] {InputSpec.DYNAMIC, 1, 28, 28});
        Dataset d = Dataset.forModel(mnistTest(), List.of(input));
        assertEquals(2000, d.sampleCount());
        DatasetSplits splits = DatasetSplits.of(d.sampleCount(), 2024, SplitSizes.restForValidation(256, 128, 0));
        Dataset calibration = d.subset(splits.calibration());
        assertEquals(256, calibration.sampleCount());
        assertArrayEquals(new long[] {256, 1, 28, 28}, calibration.inputs().get(0).shape());
        assertEquals(2000 - 256 - 128, d.subset(splits.validation()).labels().orElseThrow().length);
    }
}
