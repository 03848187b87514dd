package dev.bitplan.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.testmodels.TestData;
import dev.bitplan.engine.testmodels.TestModels;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Batches spread over one session per core give the same outputs, in the same places, as one session in order. */
class ParallelRunnerTest {

    @Test
    void sameOutputsAsTheSequentialRunner() {
        byte[] model = TestModels.smallCnn(13).toByteArray();
        long[] shape = {100, TestModels.CNN_CHANNELS, TestModels.CNN_SIZE, TestModels.CNN_SIZE};
        Map<String, NdArray> inputs = Map.of("input", NdArray.ofFloats("input", shape, TestData.floats(9, TestData.count(shape))));
        int[] samples = BatchRunner.range(100);
        int width = TestModels.CNN_CLASSES;

        float[] sequential = new float[100 * width];
        try (OrtModel ort = OrtModel.load(model, new RuntimeOptions(1, true))) {
            BatchRunner.run(ort, inputs, samples, 16, Set.of("logits"),
                    (offset, count, outs) -> System.arraycopy(outs.get("logits").data(), 0, sequential, offset * width, count * width));
        }
        float[] parallel = new float[100 * width];
        AtomicInteger seen = new AtomicInteger();
        try (ParallelRunner runner = new ParallelRunner(model, new RuntimeOptions(2, true))) {
            runner.run(inputs, samples, 16, Set.of("logits"), (offset, count, outs) -> {
                System.arraycopy(outs.get("logits").data(), 0, parallel, offset * width, count * width);
                seen.addAndGet(count);
            });
        }
        assertEquals(100, seen.get(), "every sample once");
        for (int i = 0; i < sequential.length; i++) {
            assertEquals(sequential[i], parallel[i], 1e-5f * Math.max(1f, Math.abs(sequential[i])), "value " + i);
        }

        // one session with both threads (few samples on a large model): the same values
        float[] oneSession = new float[100 * width];
        try (ParallelRunner runner = new ParallelRunner(model, new RuntimeOptions(2, true), true)) {
            runner.run(inputs, samples, 16, Set.of("logits"),
                    (offset, count, outs) -> System.arraycopy(outs.get("logits").data(), 0, oneSession, offset * width, count * width));
        }
        for (int i = 0; i < sequential.length; i++) {
            assertEquals(sequential[i], oneSession[i], 1e-5f * Math.max(1f, Math.abs(sequential[i])), "value " + i);
        }
    }
}
