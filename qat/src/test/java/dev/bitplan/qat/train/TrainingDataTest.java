package dev.bitplan.qat.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.eval.EvaluationSamples;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Fashion training set streamed from its spill gives the batches the whole file held in memory gives, while the
 * heap it keeps is nothing between batches and one batch at a time.
 */
class TrainingDataTest {

    @Test
    void streamedBatchesEqualHeldOnesAndOnlyABatchIsInTheHeap() {
        OnnxModel model = ModelLoader.load(Fixtures.file("fashion/resnet8_fmnist.onnx"));
        Path file = Fixtures.file("fashion/fmnist_train_20k.npz");
        SampleSet whole = EvaluationSamples.whole(model, file);
        try (TrainingData held = TrainingData.held(whole);
             TrainingData streamed = TrainingData.streamed(EvaluationSamples.streamed(model, file))) {
            assertEquals(held.size(), streamed.size());
            Random random = new Random(1);
            for (int round = 0; round < 10; round++) {
                int[] batch = random.ints(64, 0, 20_000).toArray();
                batch[round] = 19_999; // the last sample too
                TrainingData.Batch a = held.batch(batch, true);
                TrainingData.Batch b = streamed.batch(batch, true);
                assertArrayEquals(a.inputs().get("input").toFloatArray(), b.inputs().get("input").toFloatArray());
                assertArrayEquals(a.inputs().get("input").shape(), b.inputs().get("input").shape());
                assertArrayEquals(a.labels(), b.labels());
            }
            assertNull(streamed.batch(new int[] {3}, false).labels(), "labels only when asked for");

            TrainingData.Footprint inMemory = held.footprint();
            TrainingData.Footprint onDisk = streamed.footprint();
            System.out.printf("fmnist_train_20k: held %,d bytes in the heap; streamed %,d held, %,d on disk, largest batch %,d%n",
                    inMemory.heldBytes(), onDisk.heldBytes(), onDisk.bytesOnDisk(), onDisk.largestBatchBytes());
            long dataBytes = 20_000L * 28 * 28 * 4 + 20_000L * 8;
            assertEquals(dataBytes, inMemory.heldBytes());
            assertEquals(0, onDisk.heldBytes());
            assertEquals(dataBytes, onDisk.bytesOnDisk());
            assertEquals(64L * 28 * 28 * 4 + 64 * 8, onDisk.largestBatchBytes(), "64 images and their labels");
            assertTrue(onDisk.largestBatchBytes() * 100 < dataBytes, "a batch is a small part of the data");
        }
    }
}
