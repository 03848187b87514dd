package dev.bitplan.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.data.DType;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.runtime.OrtModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.testmodels.GraphBuilder;
import dev.bitplan.engine.testmodels.TestData;
import dev.bitplan.engine.testmodels.TestModels;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Weights hidden behind Constant / Transpose / Reshape / Identity become plain initializers, without changing results. */
class ConstantFolderTest {

    private static final Set<String> FOLDABLE_OPS = Set.of("Constant", "Identity", "Transpose", "Reshape", "Cast", "Squeeze",
            "Unsqueeze", "Flatten");

    private static OnnxModel transformer(int opset) {
        return new OnnxModel(TestModels.transformerLike(opset, false));
    }

    private static NodeProto node(OnnxModel m, String name) {
        return m.nodes().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
    }

    private static float[] initializerValues(OnnxModel m, String name) {
        return Tensors.floats(m.initializer(name).orElseThrow());
    }

    @Test
    void transformerWeightsAndClipLimitsBecomeInitializers() {
        OnnxModel folded = ConstantFolder.fold(transformer(13));
        assertTrue(folded.nodes().stream().noneMatch(n -> n.getOpType().equals("Constant")), "every Constant node is folded");
        assertTrue(folded.nodes().stream().noneMatch(n -> n.getOpType().equals("Transpose")), "Transpose of a weight is folded");
        for (NodeProto n : folded.nodes()) {
            if (n.getOpType().equals("MatMul")) {
                String weight = n.getInput(1);
                assertTrue(folded.isInitializer(weight), n.getName() + " reads its weight from an initializer");
                assertTrue(folded.producer(weight).isEmpty(), n.getName() + "'s weight is produced by no node");
            }
        }
        NodeProto clip = node(folded, "/act/Clip");
        assertTrue(folded.isInitializer(clip.getInput(1)) && folded.isInitializer(clip.getInput(2)), "Clip limits are initializers");
        assertEquals(0f, initializerValues(folded, clip.getInput(1))[0]);
        assertEquals(6f, initializerValues(folded, clip.getInput(2))[0]);
        // the dynamic, Shape-fed reshape is not constant and must survive
        assertTrue(folded.nodes().stream().anyMatch(n -> n.getName().equals("/flatten/Reshape")));
        assertTrue(folded.nodes().stream().anyMatch(n -> n.getName().equals("/flatten/Gather")));
    }

    @Test
    void foldedFc1WeightIsTheTransposeOfTheStoredOne() {
        OnnxModel original = transformer(13);
        OnnxModel folded = ConstantFolder.fold(original);
        TensorProto stored = original.initializer("mlp.fc1.weight").orElseThrow();
        assertArrayEquals(new long[] {TestModels.FF, TestModels.HIDDEN}, Tensors.dims(stored));
        String weightName = node(folded, "/mlp/fc1/MatMul").getInput(1);
        TensorProto w = folded.initializer(weightName).orElseThrow();
        assertArrayEquals(new long[] {TestModels.HIDDEN, TestModels.FF}, Tensors.dims(w));
        float[] s = Tensors.floats(stored);
        float[] t = Tensors.floats(w);
        for (int i = 0; i < TestModels.HIDDEN; i++) {
            for (int j = 0; j < TestModels.FF; j++) {
                assertEquals(s[j * TestModels.HIDDEN + i], t[i * TestModels.FF + j], "W_t[" + i + "][" + j + "] = W[" + j + "][" + i + "]");
            }
        }
        assertFalse(folded.isInitializer("mlp.fc1.weight"), "the unread original weight is dropped");
    }

    @Test
    void foldedFc2WeightIsTheReshapedFlatOne() {
        OnnxModel original = transformer(13);
        OnnxModel folded = ConstantFolder.fold(original);
        TensorProto w = folded.initializer(node(folded, "/mlp/fc2/MatMul").getInput(1)).orElseThrow();
        assertArrayEquals(new long[] {TestModels.FF, TestModels.HIDDEN}, Tensors.dims(w));
        assertArrayEquals(initializerValues(original, "mlp.fc2.weight_flat"), Tensors.floats(w));
        assertFalse(folded.isInitializer("mlp.fc2.weight_flat"));
    }

    @ParameterizedTest
    @ValueSource(ints = {11, 13, 17})
    void foldedTransformerComputesExactlyTheSameLogits(int opset) {
        OnnxModel original = transformer(opset);
        OnnxModel folded = ConstantFolder.fold(original);
        long[] shape = {6, TestModels.SEQ};
        NdArray tokens = NdArray.ofLongs("tokens", DType.INT64, shape,
                TestData.tokens(17, TestData.count(shape), TestModels.VOCAB));
        float[] expected = logits(original.proto(), tokens);
        float[] actual = logits(folded.proto(), tokens);
        assertEquals(6 * TestModels.TRANSFORMER_CLASSES, expected.length);
        assertArrayEquals(expected, actual, "bit-identical outputs");
    }

    private static float[] logits(ModelProto model, NdArray tokens) {
        try (OrtModel ort = OrtModel.load(model.toByteArray(), new RuntimeOptions(1, false))) {
            return ort.run(Map.of("tokens", tokens), Set.of("logits")).get("logits").data();
        }
    }

    @Test
    void identityOfSharedInitializerInFashionFixtureIsFolded() {
        OnnxModel original = ModelLoader.load(Fixtures.file("fashion/resnet8_fmnist.onnx"));
        assertEquals(2, original.nodes().stream().filter(n -> n.getOpType().equals("Identity")).count());
        assertFalse(original.isInitializer("layer2.down.1.bias"), "an Identity output in the upload");
        OnnxModel folded = ConstantFolder.fold(original);
        assertTrue(folded.nodes().stream().noneMatch(n -> n.getOpType().equals("Identity")));
        assertEquals(original.nodes().size() - 2, folded.nodes().size(), "only the two Identity nodes go");
        assertArrayEquals(initializerValues(original, "layer2.bn2.bias"), initializerValues(folded, "layer2.down.1.bias"));
        assertArrayEquals(initializerValues(original, "layer3.bn2.bias"), initializerValues(folded, "layer3.down.1.bias"));
        assertTrue(folded.isInitializer("layer2.bn2.bias"), "the source initializer is still read by its own BN");
    }

    @Test
    void foldingIsIdempotentAndLeavesNoFoldableNodeWithOnlyConstantInputs() {
        OnnxModel fixture = ModelLoader.load(Fixtures.file("fashion/resnet8_fmnist.onnx"));
        OnnxModel once = ConstantFolder.fold(fixture);
        assertEquals(once.proto(), ConstantFolder.fold(once).proto(), "folding is idempotent");
        for (NodeProto n : once.nodes()) {
            assertFalse(FOLDABLE_OPS.contains(n.getOpType()) && n.getInputList().stream().allMatch(once::isInitializer),
                    n.getName() + " has only constant inputs but was left in the graph");
        }
    }

    /**
     * Folding must keep a tensor's element type: ConstTensor wraps DOUBLE as float and INT32 as long, and writes
     * the result back as FLOAT / INT64, so Transpose(double W) becomes a float initializer and Reshape(int32 X)
     * an int64 one. A double or int32 consumer then no longer type-checks (ONNX Runtime refuses the folded model).
     */
    @Test
    void foldingKeepsTheElementTypeOfDoubleAndInt32Tensors() {
        GraphBuilder b = new GraphBuilder("typed").opset(13);
        String x = b.input("x", GraphBuilder.FLOAT, 2, 3);
        TensorProto.Builder w = TensorProto.newBuilder().setName("w").setDataType(Tensors.DOUBLE).addDims(3).addDims(2);
        for (int i = 0; i < 6; i++) {
            w.addDoubleData(i * 0.5);
        }
        TensorProto.Builder k = TensorProto.newBuilder().setName("k").setDataType(Tensors.INT32).addDims(6);
        for (int i = 0; i < 6; i++) {
            k.addInt32Data(i);
        }
        String wt = b.node("Transpose").name("/t").inputs(b.initializer(w.build())).attrInts("perm", 1, 0).add();
        String shape = b.int64Initializer("shape", new long[] {2, 3}, 2);
        String kr = b.node("Reshape").name("/r").inputs(b.initializer(k.build()), shape).add();
        String xd = b.node("Cast").name("/xd").inputs(x).attrInt("to", Tensors.DOUBLE).add();
        String sum = b.node("Add").name("/add").inputs(xd, wt).add();
        String kd = b.node("Cast").name("/kd").inputs(kr).attrInt("to", Tensors.DOUBLE).add();
        String both = b.node("Add").name("/add2").inputs(sum, kd).add();
        b.node("Cast").name("/out").inputs(both).attrInt("to", Tensors.FLOAT).outputs("y").add();
        b.output("y", GraphBuilder.FLOAT, 2, 3);
        OnnxModel original = new OnnxModel(b.build());
        OnnxModel folded = ConstantFolder.fold(original);

        TensorProto transposed = folded.initializer(node(folded, "/add").getInput(1)).orElseThrow();
        // Reshape(int32) and the Cast after it are all constant, so both fold: Cast's target type must survive
        TensorProto reshaped = folded.initializer(node(folded, "/add2").getInput(1)).orElseThrow();
        assertAll(
                () -> assertEquals(Tensors.DOUBLE, transposed.getDataType(), "Transpose of a DOUBLE initializer"),
                () -> assertEquals(Tensors.DOUBLE, reshaped.getDataType(), "Cast to DOUBLE of a reshaped INT32 initializer"));
        NdArray in = NdArray.ofFloats("x", new long[] {2, 3}, TestData.floats(1, 6));
        try (OrtModel a = OrtModel.load(original.proto().toByteArray(), new RuntimeOptions(1, false));
             OrtModel c = OrtModel.load(folded.proto().toByteArray(), new RuntimeOptions(1, false))) {
            assertArrayEquals(a.run(Map.of("x", in), Set.of("y")).get("y").data(), c.run(Map.of("x", in), Set.of("y")).get("y").data());
        }
    }
}
