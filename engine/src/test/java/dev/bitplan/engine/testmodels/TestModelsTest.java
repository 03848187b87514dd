package dev.bitplan.engine.testmodels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.InvalidProtocolBufferException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

class TestModelsTest {

    private static OrtEnvironment env;

    @BeforeAll
    static void startOrt() {
        env = OrtEnvironment.getEnvironment();
    }

    private record Output(long[] shape, float[] values) {
    }

    // ------------------------------------------------------------------ runnable models

    @ParameterizedTest
    @CsvSource({"11,false", "11,true", "13,false", "13,true", "17,false"})
    void transformerLikeRunsInOnnxRuntime(int opset, boolean fixedBatchOne) throws Exception {
        ModelProto model = roundTrip(TestModels.transformerLike(opset, fixedBatchOne));
        assertEquals(opset, model.getOpsetImport(0).getVersion());
        assertEquals(GraphBuilder.irVersionFor(opset), model.getIrVersion());
        assertHasNodes(model, TestModels.TRANSFORMER_LAYERS);

        int batch = fixedBatchOne ? 1 : 2;
        long[] shape = {batch, TestModels.SEQ};
        long[] tokens = TestData.tokens(5, TestData.count(shape), TestModels.VOCAB);
        try (OnnxTensor input = OnnxTensor.createTensor(env, LongBuffer.wrap(tokens), shape)) {
            Output out = run(model, "tokens", input);
            assertArrayEquals(new long[] {batch, TestModels.TRANSFORMER_CLASSES}, out.shape());
            assertFiniteAndVaried(out.values());
            if (batch == 2) {
                assertRowsDiffer(out);
            }
        }
    }

    @Test
    void transformerLikeRejectsUnsupportedOpsets() {
        assertThrows(IllegalArgumentException.class, () -> TestModels.transformerLike(10, false));
        assertThrows(IllegalArgumentException.class, () -> TestModels.transformerLike(18, false));
    }

    @Test
    void transformerLikeUnsqueezeAxesFollowOpset() {
        NodeProto at11 = node(TestModels.transformerLike(11, false), "/flatten/Unsqueeze");
        assertEquals(1, at11.getInputCount());
        assertEquals("axes", at11.getAttribute(0).getName());
        NodeProto at13 = node(TestModels.transformerLike(13, false), "/flatten/Unsqueeze");
        assertEquals(2, at13.getInputCount());
        assertEquals(0, at13.getAttributeCount());
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 11, 13, 17, 21})
    void smallCnnRunsInOnnxRuntime(int opset) throws Exception {
        ModelProto model = roundTrip(TestModels.smallCnn(opset));
        assertEquals(GraphBuilder.irVersionFor(opset), model.getIrVersion());
        assertHasNodes(model, TestModels.CNN_LAYERS);

        long[] shape = {2, TestModels.CNN_CHANNELS, TestModels.CNN_SIZE, TestModels.CNN_SIZE};
        float[] data = TestData.floats(7, TestData.count(shape));
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape)) {
            Output out = run(model, "input", input);
            assertArrayEquals(new long[] {2, TestModels.CNN_CLASSES}, out.shape());
            assertFiniteAndVaried(out.values());
            assertRowsDiffer(out);
        }
    }

    @Test
    void smallCnnBatchNormHasPositiveVarianceAndNonTrivialParameters() {
        ModelProto model = TestModels.smallCnn(13);
        for (String bn : List.of("features.bn1", "features.bn2")) {
            float[] var = floats(initializer(model, bn + ".running_var"));
            float[] mean = floats(initializer(model, bn + ".running_mean"));
            float[] scale = floats(initializer(model, bn + ".weight"));
            for (int c = 0; c < var.length; c++) {
                assertTrue(var[c] > 0f, "variance must be positive");
                assertTrue(scale[c] != 1f && mean[c] != 0f, "BN parameters must be non-trivial");
            }
        }
    }

    @Test
    void mlpChainRunsInOnnxRuntime() throws Exception {
        ModelProto model = roundTrip(TestModels.mlpChain(10));
        List<String> layers = TestModels.mlpChainLayers(10);
        assertEquals(10, layers.size());
        assertHasNodes(model, layers);

        long[] shape = {2, TestModels.MLP_WIDTH};
        float[] data = TestData.floats(9, TestData.count(shape));
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape)) {
            Output out = run(model, "input", input);
            assertArrayEquals(new long[] {2, TestModels.MLP_CLASSES}, out.shape());
            assertFiniteAndVaried(out.values());
            assertRowsDiffer(out);
        }
    }

    @Test
    void mlpChainOfOneLayerIsJustTheHead() throws Exception {
        ModelProto model = TestModels.mlpChain(1);
        assertEquals(List.of("/layers.0/Gemm"), TestModels.mlpChainLayers(1));
        assertEquals(1, model.getGraph().getNodeCount());
        long[] shape = {2, TestModels.MLP_WIDTH};
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(TestData.floats(1, 32)), shape)) {
            assertArrayEquals(new long[] {2, TestModels.MLP_CLASSES}, run(model, "input", input).shape());
        }
    }

    @Test
    void factoriesAreDeterministic() {
        assertArrayEquals(TestModels.transformerLike(13, false).toByteArray(),
                TestModels.transformerLike(13, false).toByteArray());
        assertArrayEquals(TestModels.smallCnn(13).toByteArray(), TestModels.smallCnn(13).toByteArray());
        assertArrayEquals(TestModels.mlpChain(10).toByteArray(), TestModels.mlpChain(10).toByteArray());
        assertArrayEquals(TestData.floats(3, 10), TestData.floats(3, 10));
        assertArrayEquals(TestData.tokens(3, 10, 50), TestData.tokens(3, 10, 50));
    }

    // ------------------------------------------------------------------ models for failure paths

    @Test
    void customDomainModelBuildsButOnnxRuntimeRejectsIt() throws Exception {
        ModelProto model = roundTrip(TestModels.withCustomDomainOp());
        assertTrue(model.getOpsetImportList().stream()
                .anyMatch(o -> o.getDomain().equals(TestModels.CUSTOM_DOMAIN) && o.getVersion() == 1));
        assertEquals(TestModels.CUSTOM_DOMAIN, node(model, "/act/FancyActivation").getDomain());
        assertHasNodes(model, TestModels.CUSTOM_DOMAIN_LAYERS);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            assertThrows(OrtException.class, () -> env.createSession(model.toByteArray(), options).close());
        }
    }

    @Test
    void externalDataModelBuildsWithTheGivenLocation() throws Exception {
        // deliberately not loaded into ONNX Runtime: it would try to read the location
        for (String location : List.of("/etc/passwd", "../../secret", "weights.bin")) {
            ModelProto model = roundTrip(TestModels.withExternalData(location));
            TensorProto weight = initializer(model, "conv.weight");
            assertEquals(TensorProto.DataLocation.EXTERNAL, weight.getDataLocation());
            assertTrue(weight.getRawData().isEmpty());
            assertEquals(0, weight.getFloatDataCount());
            Map<String, String> entries = weight.getExternalDataList().stream()
                    .collect(Collectors.toMap(e -> e.getKey(), e -> e.getValue()));
            assertEquals(Map.of("location", location, "offset", "0",
                    "length", Long.toString(TestModels.EXTERNAL_WEIGHT_LENGTH)), entries);
            assertHasNodes(model, TestModels.EXTERNAL_DATA_LAYERS);
        }
    }

    @Test
    void modelWithoutInputShapeBuildsAndRuns() throws Exception {
        ModelProto model = roundTrip(TestModels.withoutInputShape());
        ValueInfoProto in = model.getGraph().getInput(0);
        assertTrue(in.getType().hasTensorType());
        assertFalse(in.getType().getTensorType().hasShape());
        assertHasNodes(model, TestModels.NO_SHAPE_LAYERS);
        long[] shape = {2, 4};
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(TestData.floats(2, 8)), shape)) {
            Output out = run(model, "input", input, "output");
            assertArrayEquals(new long[] {2, 3}, out.shape());
        }
    }

    @Test
    void modelWithoutQuantizableLayerBuildsAndRuns() throws Exception {
        ModelProto model = roundTrip(TestModels.noQuantizableLayer());
        Set<String> ops = model.getGraph().getNodeList().stream()
                .map(NodeProto::getOpType).collect(Collectors.toSet());
        assertEquals(Set.of("Relu", "Add"), ops);
        assertEquals(0, model.getGraph().getInitializerCount());
        float[] x = {-1f, 2f, -3f, 4f};
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 4})) {
            Output out = run(model, "input", input, "output");
            assertArrayEquals(new float[] {-1f, 4f, -3f, 8f}, out.values());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static ModelProto roundTrip(ModelProto model) throws InvalidProtocolBufferException {
        byte[] bytes = model.toByteArray();
        assertTrue(bytes.length > 0);
        ModelProto parsed = ModelProto.parseFrom(bytes);
        assertEquals(model, parsed);
        return parsed;
    }

    private static Output run(ModelProto model, String inputName, OnnxTensor input) throws OrtException {
        return run(model, inputName, input, "logits");
    }

    private static Output run(ModelProto model, String inputName, OnnxTensor input, String outputName)
            throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(model.toByteArray(), options);
             OrtSession.Result result = session.run(Map.of(inputName, input))) {
            OnnxTensor out = (OnnxTensor) result.get(outputName).orElseThrow();
            FloatBuffer buffer = out.getFloatBuffer();
            float[] values = new float[buffer.remaining()];
            buffer.get(values);
            return new Output(out.getInfo().getShape(), values);
        }
    }

    private static void assertFiniteAndVaried(float[] values) {
        assertTrue(values.length > 1);
        for (float v : values) {
            assertTrue(Float.isFinite(v), "non-finite output " + v);
        }
        boolean varied = false;
        for (float v : values) {
            varied |= v != values[0];
        }
        assertTrue(varied, "all outputs equal " + values[0]);
    }

    /** The two samples of a batch-2 run must give different logits (the output depends on the input). */
    private static void assertRowsDiffer(Output out) {
        int width = (int) out.shape()[1];
        float[] first = Arrays.copyOfRange(out.values(), 0, width);
        float[] second = Arrays.copyOfRange(out.values(), width, 2 * width);
        assertFalse(Arrays.equals(first, second), "both samples gave the same logits");
    }

    private static void assertHasNodes(ModelProto model, List<String> names) {
        Set<String> present = model.getGraph().getNodeList().stream()
                .map(NodeProto::getName).collect(Collectors.toSet());
        for (String name : names) {
            assertTrue(present.contains(name), "missing node " + name);
        }
    }

    private static NodeProto node(ModelProto model, String name) {
        return model.getGraph().getNodeList().stream()
                .filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
    }

    private static TensorProto initializer(ModelProto model, String name) {
        return model.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
    }

    private static float[] floats(TensorProto tensor) {
        ByteBuffer raw = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[raw.remaining() / 4];
        raw.asFloatBuffer().get(v);
        return v;
    }
}
