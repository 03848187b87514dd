package dev.bitplan.engine.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.data.NpzReader;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.qdq.FoldedFloatModel;
import dev.bitplan.engine.testmodels.TestData;
import dev.bitplan.engine.testmodels.TestModels;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** BatchNormalization folded into the preceding layer: by hand, and end to end in ONNX Runtime on real models. */
class BatchNormFoldingTest {

    /** max |folded - original| / max |original| allowed over all logits. */
    private static final double RELATIVE_TOLERANCE = 1e-4;

    @Test
    void twoChannelExampleByHand() {
        // weight [2, 1, 1, 2]: channel 0 = {1, 2}, channel 1 = {3, 4}
        float[] w = {1f, 2f, 3f, 4f};
        long[] dims = {2, 1, 1, 2};
        float[] gamma = {3f, 0.5f};
        float[] beta = {0.1f, 0.2f};
        float[] mean = {1f, -1f};
        float[] var = {4f, 0.0625f}; // sqrt: 2 and 0.25, so the factors are 1.5 and 2
        BatchNormFolding.Folded f = BatchNormFolding.fold(w, dims, 0, new float[] {0.5f, -0.5f}, gamma, beta, mean, var, 0f);
        assertArrayEquals(new float[] {1.5f, 3f, 6f, 8f}, f.weight());
        // b' = (b - mean) * factor + beta
        assertArrayEquals(new float[] {(0.5f - 1f) * 1.5f + 0.1f, (-0.5f + 1f) * 2f + 0.2f}, f.bias(), 1e-7f);

        BatchNormFolding.Folded noBias = BatchNormFolding.fold(w, dims, 0, null, gamma, beta, mean, var, 0f);
        assertArrayEquals(new float[] {-1.4f, 2.2f}, noBias.bias(), 1e-6f, "a layer without bias gets -mean * factor + beta");
        assertArrayEquals(f.weight(), noBias.weight());
    }

    @Test
    void epsilonIsAddedToTheVariance() {
        float[] w = {1f, -1f};
        BatchNormFolding.Folded f = BatchNormFolding.fold(w, new long[] {2, 1}, 0, null, new float[] {1f, 1f},
                new float[] {0f, 0f}, new float[] {0f, 0f}, new float[] {0f, 3f}, 1f);
        assertArrayEquals(new float[] {1f, -0.5f}, f.weight(), "1 / sqrt(0 + 1) and 1 / sqrt(3 + 1)");
    }

    @Test
    void channelsOnAxisOneScaleColumns() {
        // ConvTranspose / MatMul layout [in=2, out=2]: factor 2 on column 0, 3 on column 1
        float[] w = {1f, 1f, 1f, 1f};
        BatchNormFolding.Folded f = BatchNormFolding.fold(w, new long[] {2, 2}, 1, null, new float[] {2f, 3f},
                new float[] {0f, 0f}, new float[] {0f, 0f}, new float[] {1f, 1f}, 0f);
        assertArrayEquals(new float[] {2f, 3f, 2f, 3f}, f.weight());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"mnist/resnet8_bn.onnx, mnist/mnist_test.npz", "fashion/resnet8_fmnist.onnx, fashion/fmnist_test.npz"})
    void foldedFixtureComputesTheSameLogitsOnRealImages(String model, String data) throws Exception {
        PreparedModel prepared = PreparedModel.of(ModelLoader.load(Fixtures.file(model)));
        assertEquals(9, prepared.layers().stream().filter(Layer::hasBatchNorm).count());
        ModelProto folded = FoldedFloatModel.of(prepared.folded(), prepared.layers());
        assertEquals(0, countOps(folded, "BatchNormalization"), "every BN is folded");
        assertEquals(9, countOps(folded, "Conv"));

        NdArray images = new NpzReader().read(Fixtures.file(data)).get("input")
                .selectSamples(IntStream.range(0, 256).toArray());
        assertExact(prepared.folded().proto(), folded, images);
    }

    @Test
    void foldedSmallCnnComputesTheSameLogitsOnRandomImages() throws Exception {
        PreparedModel prepared = PreparedModel.of(new OnnxModel(TestModels.smallCnn(13)));
        assertEquals(2, countOps(prepared.folded().proto(), "BatchNormalization"));
        ModelProto folded = FoldedFloatModel.of(prepared.folded(), prepared.layers());
        assertEquals(0, countOps(folded, "BatchNormalization"));
        long[] shape = {64, TestModels.CNN_CHANNELS, TestModels.CNN_SIZE, TestModels.CNN_SIZE};
        assertExact(prepared.folded().proto(), folded, NdArray.ofFloats("input", shape, TestData.floats(8, TestData.count(shape))));
    }

    private static void assertExact(ModelProto original, ModelProto folded, NdArray input) throws OrtException {
        float[] a = run(original, input);
        float[] b = run(folded, input);
        assertEquals(a.length, b.length);
        double maxAbs = 0;
        double maxDiff = 0;
        for (int i = 0; i < a.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(a[i]));
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
        }
        assertTrue(maxAbs > 0.1, "outputs are not trivially zero: " + maxAbs);
        assertTrue(maxDiff / maxAbs <= RELATIVE_TOLERANCE, "max |a - b| / max |a| = " + maxDiff / maxAbs);
    }

    private static long countOps(ModelProto m, String op) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(op)).count();
    }

    /** First output, with graph optimizations off so ONNX Runtime does not fold the reference's BNs itself. */
    private static float[] run(ModelProto model, NdArray input) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model.toByteArray(), options);
                 OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.toFloatArray()), input.shape());
                 OrtSession.Result result = session.run(Map.of("input", x))) {
                FloatBuffer fb = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[] out = new float[fb.remaining()];
                fb.get(out);
                return out;
            }
        }
    }
}
