package dev.bitplan.qat.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.eval.EvaluationSamples;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Batches by length on the text fixture's 944 real sentences (9 to 64 tokens, 35 on average): an epoch of random
 * batches of 16 is padded to their longest, mostly 64, and carries more padding than a batch by length does.
 */
class BatchOrderTest {

    private static final int BATCH = 16;

    @Test
    void sentencesBatchedByLengthCarryLittlePaddingAndEachSentenceComesOncePerEpoch() {
        OnnxModel model = ModelLoader.load(Fixtures.model(Fixtures.BGE_SMALL));
        Path file = Fixtures.file("text/license_text_64.npz");
        int[] lengths;
        try (TrainingData streamed = TrainingData.streamed(EvaluationSamples.streamed(model, file))) {
            lengths = streamed.realLengths(BATCH).orElseThrow();
            assertEquals(BATCH * 64L * 8 * 3, streamed.footprint().largestBatchBytes(), "read a batch at a time: 3 inputs of int64");
        }
        assertEquals(944, lengths.length);
        assertEquals(33_377, IntStream.of(lengths).sum(), "real tokens of the fixture, as its attention_mask counts them");
        assertEquals(9, IntStream.of(lengths).min().orElseThrow());
        assertEquals(64, IntStream.of(lengths).max().orElseThrow());

        int[] all = IntStream.range(0, lengths.length).toArray();
        double random = paddingShare(epoch(new BatchOrder(all, BATCH, new Random(3)), lengths.length), lengths);
        BatchOrder grouped = new BatchOrder(all, lengths, BATCH, new Random(3));
        List<int[]> first = epoch(grouped, lengths.length);
        double byLength = paddingShare(first, lengths);
        System.out.printf("license_text_64, batches of %d: padding %.1f %% of positions at random, %.1f %% by length%n",
                BATCH, 100 * random, 100 * byLength);
        assertTrue(random > 0.3, "random batches are cut at their longest sentence: " + random);
        assertTrue(byLength < 0.03, "batches by length are cut with little padding: " + byLength);

        List<int[]> second = epoch(grouped, lengths.length);
        assertFalse(Arrays.deepEquals(first.toArray(), second.toArray()), "each epoch batches and orders anew");
        int[] leading = first.stream().mapToInt(b -> lengths[b[0]]).toArray();
        int[] sorted = leading.clone();
        Arrays.sort(sorted);
        assertFalse(Arrays.equals(sorted, leading), "batches do not come in order of length");
        List<int[]> again = epoch(new BatchOrder(all, lengths, BATCH, new Random(3)), lengths.length);
        assertTrue(Arrays.deepEquals(first.toArray(), again.toArray()), "the same seed gives the same batches");
    }

    @Test
    void imagesHaveNoLengths() {
        OnnxModel model = ModelLoader.load(Fixtures.file("fashion/resnet8_fmnist.onnx"));
        try (TrainingData images = TrainingData.streamed(EvaluationSamples.streamed(model, Fixtures.file("fashion/fmnist_calib.npz")))) {
            assertTrue(images.realLengths(BATCH).isEmpty());
        }
    }

    /** One epoch's batches; checks each sample comes exactly once. */
    private static List<int[]> epoch(BatchOrder order, int samples) {
        List<int[]> batches = new ArrayList<>();
        int[] seen = new int[samples];
        for (int taken = 0; taken < samples; ) {
            int[] batch = order.next();
            batches.add(batch);
            taken += batch.length;
            for (int s : batch) {
                seen[s]++;
            }
        }
        int[] once = new int[samples];
        Arrays.fill(once, 1);
        assertArrayEquals(once, seen, "every sample once per epoch");
        return batches;
    }

    /** The share of positions that are padding once each batch is cut after its longest sentence. */
    private static double paddingShare(List<int[]> batches, int[] lengths) {
        long positions = 0;
        long real = 0;
        for (int[] batch : batches) {
            int longest = 0;
            for (int s : batch) {
                longest = Math.max(longest, lengths[s]);
                real += lengths[s];
            }
            positions += (long) longest * batch.length;
        }
        return 1 - (double) real / positions;
    }
}
