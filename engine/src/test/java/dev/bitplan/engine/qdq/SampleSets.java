package dev.bitplan.engine.qdq;

import dev.bitplan.engine.data.DType;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.runtime.BatchRunner;
import dev.bitplan.engine.testmodels.TestData;
import dev.bitplan.engine.testmodels.TestModels;
import java.util.Map;

/** Seeded input data for the models of {@link TestModels} (they have random weights, so no labels). */
public final class SampleSets {

    private SampleSets() {
    }

    public static SampleSet images(long seed, int n) {
        long[] shape = {n, TestModels.CNN_CHANNELS, TestModels.CNN_SIZE, TestModels.CNN_SIZE};
        NdArray x = NdArray.ofFloats("input", shape, TestData.floats(seed, TestData.count(shape)));
        return new SampleSet(Map.of("input", x), null, BatchRunner.range(n));
    }

    public static SampleSet tokens(long seed, int n) {
        long[] shape = {n, TestModels.SEQ};
        NdArray x = NdArray.ofLongs("tokens", DType.INT64, shape, TestData.tokens(seed, TestData.count(shape), TestModels.VOCAB));
        return new SampleSet(Map.of("tokens", x), null, BatchRunner.range(n));
    }

    /**
     * Sentences for {@link TestModels#tokenEncoder}: {@code n} of 1 to 9 real tokens (ids 1 to 49, seeded), then padding
     * (id 0, mask 0) up to {@code tokens}; the same seed gives the same sentences at any padded length.
     */
    public static SampleSet sentences(long seed, int n, int tokens) {
        return sentences(seed, n, tokens, 0);
    }

    /** The same, padded with {@code padId} (mask 0). */
    public static SampleSet sentences(long seed, int n, int tokens, long padId) {
        java.util.Random random = new java.util.Random(seed);
        long[] ids = new long[n * tokens];
        long[] mask = new long[n * tokens];
        java.util.Arrays.fill(ids, padId);
        for (int i = 0; i < n; i++) {
            int length = 1 + random.nextInt(9);
            for (int t = 0; t < length; t++) {
                ids[i * tokens + t] = 1 + random.nextInt(TestModels.VOCAB - 1);
                mask[i * tokens + t] = 1;
            }
        }
        long[] shape = {n, tokens};
        return new SampleSet(Map.of("input_ids", NdArray.ofLongs("input_ids", DType.INT64, shape, ids),
                "attention_mask", NdArray.ofLongs("attention_mask", DType.INT64, shape, mask)), null, BatchRunner.range(n));
    }

    public static SampleSet vectors(long seed, int n, int width) {
        long[] shape = {n, width};
        NdArray x = NdArray.ofFloats("input", shape, TestData.floats(seed, TestData.count(shape)));
        return new SampleSet(Map.of("input", x), null, BatchRunner.range(n));
    }
}
