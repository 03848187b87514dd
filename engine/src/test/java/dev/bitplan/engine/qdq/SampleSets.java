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

    public static SampleSet vectors(long seed, int n, int width) {
        long[] shape = {n, width};
        NdArray x = NdArray.ofFloats("input", shape, TestData.floats(seed, TestData.count(shape)));
        return new SampleSet(Map.of("input", x), null, BatchRunner.range(n));
    }
}
