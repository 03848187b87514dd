package dev.bitplan.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.eval.EvaluationSamples;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dataset streamed from its NPZ through a spill on disk gives the rows and labels the in-memory path gives, and
 * refuses a bad file with the same problem; the spill is deleted on close; two threads may read at once.
 */
class StreamedDatasetTest {

    private static final List<InputSpec> TOKENS = List.of(
            new InputSpec("input_ids", DType.INT64, new long[] {-1, 64}),
            new InputSpec("attention_mask", DType.INT64, new long[] {-1, 64}),
            new InputSpec("token_type_ids", DType.INT64, new long[] {-1, 64}));

    /** Random sample indices, the last sample among them, in random order. */
    private static int[] someIndices(Random random, int samples, int count) {
        int[] out = random.ints(count, 0, samples).toArray();
        out[random.nextInt(count)] = samples - 1;
        return out;
    }

    private static void assertSameRows(SampleSet held, StreamedDataset streamed, int[] indices) {
        Map<String, NdArray> rows = streamed.rows(indices);
        assertEquals(List.copyOf(held.inputs().keySet()), List.copyOf(rows.keySet()), "model inputs in model order");
        held.inputs().forEach((name, whole) -> {
            NdArray expected = whole.selectSamples(indices);
            NdArray got = rows.get(name);
            assertEquals(expected.dtype(), got.dtype(), name);
            assertArrayEquals(expected.shape(), got.shape(), name);
            if (expected.dtype().isFloating()) {
                assertArrayEquals(expected.toFloatArray(), got.toFloatArray(), name);
            } else {
                assertArrayEquals(expected.toLongArray(), got.toLongArray(), name);
            }
        });
        long[] labels = streamed.labels(indices);
        if (held.labels() == null) {
            assertNull(labels);
        } else {
            long[] expected = new long[indices.length];
            for (int i = 0; i < indices.length; i++) {
                expected[i] = held.labels()[indices[i]];
            }
            assertArrayEquals(expected, labels);
        }
    }

    @Test
    void fashionTrainingSetGivesTheRowsAndLabelsOfTheWholeFile() {
        OnnxModel model = ModelLoader.load(Fixtures.file("fashion/resnet8_fmnist.onnx"));
        Path file = Fixtures.file("fashion/fmnist_train_20k.npz");
        SampleSet held = EvaluationSamples.whole(model, file);
        Path dir;
        try (StreamedDataset streamed = EvaluationSamples.streamed(model, file)) {
            dir = streamed.directory();
            assertEquals(20_000, streamed.sampleCount());
            assertTrue(streamed.hasLabels());
            assertEquals(20_000L * 28 * 28 * 4 + 20_000L * 8, streamed.bytesOnDisk(), "float32 images and int64 labels as stored");
            Random random = new Random(3);
            for (int round = 0; round < 5; round++) {
                assertSameRows(held, streamed, someIndices(random, 20_000, 64));
            }
            assertSameRows(held, streamed, new int[] {19_999, 0, 1, 2, 19_998});
            assertTrue(Files.isDirectory(dir));
        }
        assertFalse(Files.exists(dir), "the spill is deleted on close");
    }

    @Test
    void tokenDataOfInt64InputsToo() throws IOException {
        Path file = Fixtures.file("text/license_text_64.npz");
        Dataset held = Dataset.forModel(new NpzReader().read(file), TOKENS);
        Map<String, NdArray> inputs = new LinkedHashMap<>();
        for (int i = 0; i < TOKENS.size(); i++) {
            inputs.put(TOKENS.get(i).name(), held.inputs().get(i));
        }
        SampleSet set = new SampleSet(inputs, null, new int[0]);
        try (StreamedDataset streamed = StreamedDataset.forModel(new NpzReader().spill(file, Dataset.mayFeed(TOKENS)), TOKENS)) {
            assertFalse(streamed.hasLabels());
            assertEquals(944, streamed.sampleCount());
            Random random = new Random(5);
            for (int round = 0; round < 5; round++) {
                assertSameRows(set, streamed, someIndices(random, 944, 32));
            }
        }
    }

    @Test
    void twoThreadsReadingAtOnceGetTheRightRows() throws Exception {
        Path file = Fixtures.file("text/license_text_64.npz");
        Dataset held = Dataset.forModel(new NpzReader().read(file), TOKENS);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (StreamedDataset streamed = StreamedDataset.forModel(new NpzReader().spill(file, Dataset.mayFeed(TOKENS)), TOKENS)) {
            List<Future<Integer>> readers = new java.util.ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Random random = new Random(t);
                readers.add(threads.submit(() -> {
                    for (int round = 0; round < 200; round++) {
                        int[] batch = someIndices(random, 944, 16);
                        assertArrayEquals(held.inputs().get(0).selectSamples(batch).toLongArray(),
                                streamed.rows(batch).get("input_ids").toLongArray());
                    }
                    return 200;
                }));
            }
            for (Future<Integer> r : readers) {
                assertEquals(200, r.get());
            }
        } finally {
            threads.shutdown();
        }
    }

    private static final InputSpec IMAGE = new InputSpec("input", DType.FLOAT32, new long[] {-1, 2});

    /** Both paths refuse {@code arrays} with the same problem and message. */
    private static void assertRefusedAlike(Path dir, List<InputSpec> specs, NdArray... arrays) throws IOException {
        Path file = dir.resolve("bad.npz");
        NpzWriter.write(NpzFile.of(arrays), file);
        assertRefusedAlike(() -> Dataset.forModel(new NpzReader().read(file), specs),
                () -> StreamedDataset.forModel(new NpzReader().spill(file, Dataset.mayFeed(specs)), specs));
    }

    @FunctionalInterface
    private interface Load {
        Object load() throws IOException;
    }

    private static void assertRefusedAlike(Load held, Load streamed) {
        InvalidInputException expected = assertThrows(InvalidInputException.class, held::load);
        InvalidInputException got = assertThrows(InvalidInputException.class, streamed::load);
        assertEquals(expected.problem(), got.problem());
        assertEquals(expected.getMessage(), got.getMessage());
    }

    @Test
    void badFilesAreRefusedAsTheInMemoryPathRefusesThem(@TempDir Path dir) throws IOException {
        Supplier<NdArray> two = () -> NdArray.ofFloats("input", new long[] {2, 2}, new float[] {1, 2, 3, 4});
        // missing input
        assertRefusedAlike(dir, List.of(new InputSpec("a", DType.FLOAT32, new long[] {-1, 2}), IMAGE), two.get());
        // samples counted differently
        assertRefusedAlike(dir, List.of(IMAGE), two.get(), NdArray.ofLongs("labels", DType.INT64, new long[] {3}, new long[3]));
        // wrong sample shape, floats for integers
        assertRefusedAlike(dir, List.of(new InputSpec("input", DType.FLOAT32, new long[] {-1, 3})), two.get());
        assertRefusedAlike(dir, List.of(new InputSpec("input", DType.INT64, new long[] {-1, 2})), two.get());
        // NaN and Inf, counted over the whole array
        float[] bad = new float[2 * 70_000];
        bad[1] = Float.NaN;
        bad[bad.length - 1] = Float.NaN;
        bad[70_000] = Float.NEGATIVE_INFINITY;
        assertRefusedAlike(dir, List.of(new InputSpec("input", DType.FLOAT32, new long[] {-1, 2})),
                NdArray.ofFloats("input", new long[] {70_000, 2}, bad));
        // an integer too large for the input
        assertRefusedAlike(dir, List.of(new InputSpec("input", DType.UINT8, new long[] {-1, 2})),
                NdArray.ofLongs("input", DType.INT64, new long[] {2, 2}, new long[] {1, 2, 300, 4}));
    }

    @Test
    void fortranOrderAndTheSizeLimitAreRefusedAlike(@TempDir Path dir) throws IOException {
        Path fortran = dir.resolve("fortran.npz");
        Files.write(fortran, TestFiles.zip(Map.of("input.npy", TestFiles.npy(
                "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 2), }", new byte[8])), true));
        assertRefusedAlike(() -> new NpzReader().read(fortran), () -> new NpzReader().spill(fortran, name -> true));
        Path big = dir.resolve("big.npz");
        NpzWriter.write(NpzFile.of(NdArray.ofFloats("input", new long[] {1000, 2}, new float[2000])), big);
        assertRefusedAlike(() -> new NpzReader(4000, 16).read(big), () -> new NpzReader(4000, 16).spill(big, name -> true));
    }

    @Test
    void onlyTheArraysAModelMayReadAreKept(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("extra.npz");
        NpzWriter.write(NpzFile.of(NdArray.ofFloats("input", new long[] {2, 2}, new float[4]),
                NdArray.ofFloats("notes", new long[] {5}, new float[5])), file);
        try (NpzSpill spill = new NpzReader().spill(file, Dataset.mayFeed(List.of(IMAGE)))) {
            assertEquals(List.of("input", "notes"), spill.arrays().stream().map(SpilledArray::name).toList());
            assertTrue(spill.arrays().get(0).kept());
            assertFalse(spill.arrays().get(1).kept());
            assertEquals(16, spill.bytesOnDisk());
        }
    }
}
