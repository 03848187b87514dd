package dev.bitplan.engine.onnx.upgrade;

import static dev.bitplan.engine.testmodels.GraphBuilder.FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.runtime.OrtModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.runtime.TensorValue;
import dev.bitplan.engine.testmodels.GraphBuilder;
import dev.bitplan.engine.testmodels.TestData;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each rule on a graph of one or two nodes built at the old opset: ONNX Runtime runs the old and the upgraded model on
 * the same input and they must agree, and the upgraded model must be at {@link OpsetUpgrade#TARGET} without the legacy form.
 */
class OpsetUpgradeTest {

    private static final RuntimeOptions RT = new RuntimeOptions(1, true);

    /** x [2, 3, 4] float through {@code body}, at {@code opset}; returns the upgraded model after checking it agrees. */
    private static ModelProto checkAgrees(int opset, Function<GraphBuilder, String> body) {
        GraphBuilder b = new GraphBuilder("rule").opset(opset).seed(5);
        b.input("x", FLOAT, 2, 3, 4);
        String y = body.apply(b);
        b.node("Identity").name("out").inputs(y).outputs("y").add();
        b.outputWithoutShape("y", FLOAT);
        ModelProto old = b.build();
        ModelProto upgraded = OpsetUpgrade.toTarget(old, "rule.onnx");
        assertEquals(OpsetUpgrade.TARGET, new OnnxModel(upgraded).opset());
        Map<String, NdArray> feed = Map.of("x", NdArray.ofFloats("x", new long[] {2, 3, 4}, TestData.floats(9, 24)));
        TensorValue expected = run(old, feed);
        TensorValue got = run(upgraded, feed);
        assertArrayEquals(expected.shape(), got.shape());
        assertArrayEquals(expected.data(), got.data(), 1e-6f);
        return upgraded;
    }

    private static TensorValue run(ModelProto m, Map<String, NdArray> feed) {
        try (OrtModel ort = OrtModel.load(m.toByteArray(), RT)) {
            return ort.run(feed, Set.of("y")).get("y");
        }
    }

    private static NodeProto only(ModelProto m, String op) {
        List<NodeProto> nodes = m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(op)).toList();
        assertEquals(1, nodes.size(), op + " in " + m.getGraph().getNodeList());
        return nodes.get(0);
    }

    private static boolean hasAttribute(NodeProto n, String name) {
        return n.getAttributeList().stream().anyMatch(a -> a.getName().equals(name));
    }

    @Test
    void clipBoundsBecomeInputs() {
        NodeProto clip = only(checkAgrees(10, b -> b.node("Clip").inputs("x").attrFloat("min", -0.5f).attrFloat("max", 0.7f).add()), "Clip");
        assertEquals(3, clip.getInputCount());
        assertTrue(!hasAttribute(clip, "min") && !hasAttribute(clip, "max"));
    }

    @Test
    void padsBecomeInputs() {
        NodeProto pad = only(checkAgrees(10, b -> b.node("Pad").inputs("x").attrInts("pads", 0, 1, 2, 0, 1, 0).attrFloat("value", 3f).add()),
                "Pad");
        assertEquals(3, pad.getInputCount());
    }

    @Test
    void sliceBoundsBecomeInputs() {
        NodeProto slice = only(checkAgrees(9, b -> b.node("Slice").inputs("x").attrInts("starts", 1, 0).attrInts("ends", 3, 2)
                .attrInts("axes", 1, 2).add()), "Slice");
        assertEquals(4, slice.getInputCount());
    }

    @Test
    void squeezeUnsqueezeAndReduceSumTakeAxesAsInputs() {
        ModelProto m = checkAgrees(11, b -> {
            String u = b.node("Unsqueeze").inputs("x").attrInts("axes", 0).add();
            String s = b.node("Squeeze").inputs(u).attrInts("axes", 0).add();
            return b.node("ReduceSum").inputs(s).attrInts("axes", 2).attrInt("keepdims", 1).add();
        });
        for (String op : List.of("Unsqueeze", "Squeeze", "ReduceSum")) {
            assertEquals(2, only(m, op).getInputCount(), op);
            assertTrue(!hasAttribute(only(m, op), "axes"), op);
        }
    }

    @Test
    void splitSizesBecomeAnInput() {
        NodeProto split = only(checkAgrees(11, b -> {
            b.node("Split").inputs("x").outputs("a", "c").attrInt("axis", 2).attrInts("split", 1, 3).add();
            return "c";
        }), "Split");
        assertEquals(2, split.getInputCount());
    }

    @Test
    void topKTakesKAsAnInput() {
        NodeProto topk = only(checkAgrees(9, b -> {
            b.node("TopK").inputs("x").outputs("values", "indices").attrInt("k", 2).add();
            return "values";
        }), "TopK");
        assertEquals(2, topk.getInputCount());
    }

    @Test
    void legacyBatchNormalizationLosesSpatialAndDropoutBecomesIdentity() {
        ModelProto m = checkAgrees(8, b -> {
            String x4 = b.node("Unsqueeze").inputs("x").attrInts("axes", 3).add();
            String bn = b.node("BatchNormalization").inputs(x4, b.normalInitializer("g", 1, 0.1, 3), b.normalInitializer("beta", 0, 0.1, 3),
                    b.normalInitializer("mean", 0, 0.1, 3), b.uniformInitializer("var", 0.5, 1.5, 3)).attrInt("spatial", 1).add();
            return b.node("Dropout").inputs(bn).attrFloat("ratio", 0.3f).add();
        });
        assertTrue(!hasAttribute(only(m, "BatchNormalization"), "spatial"));
        String normalised = only(m, "BatchNormalization").getOutput(0);
        assertTrue(m.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("Identity") && n.getInput(0).equals(normalised)),
                "the Dropout after it is an Identity");
        assertTrue(m.getGraph().getNodeList().stream().noneMatch(n -> n.getOpType().equals("Dropout")));
    }

    @Test
    void upsampleBecomesResizeWithItsCoordinateRule() {
        NodeProto resize = only(checkAgrees(9, b -> {
            String x4 = b.node("Unsqueeze").inputs("x").attrInts("axes", 0).add();
            return b.node("Upsample").inputs(x4, b.floatInitializer("scales", new float[] {1, 1, 2, 2}, 4)).attrString("mode", "nearest").add();
        }), "Resize");
        assertEquals(3, resize.getInputCount());
        assertTrue(hasAttribute(resize, "coordinate_transformation_mode"));
    }

    @Test
    void softmaxKeepsItsOldMeaningOnAnyAxis() {
        // axis 1 of a rank-3 tensor normalised the last two axes together before opset 13: Flatten -> Softmax -> Reshape
        ModelProto flattened = checkAgrees(11, b -> b.node("Softmax").inputs(b.node("Identity").inputs("x").add()).attrInt("axis", 1).add());
        assertEquals(1, flattened.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Flatten")).count());
        // on the last axis (rank probed: the input is an intermediate tensor) nothing but the axis is written
        ModelProto last = checkAgrees(11, b -> b.node("LogSoftmax").inputs(b.node("Identity").inputs("x").add()).attrInt("axis", 2).add());
        assertEquals(-1, only(last, "LogSoftmax").getAttribute(0).getI());
        assertTrue(last.getGraph().getNodeList().stream().noneMatch(n -> n.getOpType().equals("Flatten")));
        // the default axis was 1 before 13 and is -1 since: an axis-less Softmax must not change meaning
        checkAgrees(11, b -> b.node("Softmax").inputs("x").add());
    }

    @Test
    void gemmDropsAnAllZeroBiasThatItsOpsetRequired() {
        ModelProto m = checkAgrees(9, b -> {
            String flat = b.node("Flatten").inputs("x").attrInt("axis", 1).add();
            String g = b.node("Gemm").inputs(flat, b.heWeight("w", 12, 12, 5), b.floatInitializer("zeros", new float[5], 5)).add();
            return b.node("Add").inputs(g, b.normalInitializer("bias", 0, 0.1, 5)).add();
        });
        assertEquals(2, only(m, "Gemm").getInputCount());
    }

    @Test
    void anOperatorWithoutARuleIsRefusedByName() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> checkAgrees(9, b -> b.node("Scan").inputs("x").add()));
        assertTrue(e.getMessage().contains("Scan") && e.getMessage().contains("opset 9"), e.getMessage());
    }

    @Test
    void reductionsTakeAxesAsInputsFromOpset18() {
        ModelProto m = checkAgrees(13, b -> {
            String mean = b.node("ReduceMean").inputs("x").attrInts("axes", 2).attrInt("keepdims", 1).add();
            return b.node("ReduceMax").inputs(mean).attrInts("axes", 1).attrInt("keepdims", 0).add();
        });
        for (String op : List.of("ReduceMean", "ReduceMax")) {
            assertEquals(2, only(m, op).getInputCount(), op);
            assertTrue(!hasAttribute(only(m, op), "axes"), op);
        }
    }

    @Test
    void splitIntoEqualPartsSaysHowManyFromOpset18() {
        NodeProto split = only(checkAgrees(13, b -> {
            b.node("Split").inputs("x").outputs("a", "c").attrInt("axis", 2).add();
            return "c";
        }), "Split");
        assertEquals(2, split.getAttributeList().stream().filter(a -> a.getName().equals("num_outputs")).findFirst().orElseThrow().getI());
    }

    @Test
    void groupNormalizationWithPerGroupScalesIsRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> checkAgrees(18, b -> b.node("GroupNormalization")
                .inputs("x", b.floatInitializer("scale", new float[] {1}, 1), b.floatInitializer("bias", new float[] {0}, 1))
                .attrInt("num_groups", 1).add()));
        assertTrue(e.getMessage().contains("GroupNormalization") && e.getMessage().contains("opset 18"), e.getMessage());
    }

    @Test
    void anOpset13ModelIsBroughtTo21AndSaysFromWhere() {
        GraphBuilder b = new GraphBuilder("t").opset(13);
        b.input("x", FLOAT, 2);
        b.node("Relu").inputs("x").outputs("y").add();
        b.output("y", FLOAT, 2);
        OnnxModel upgraded = new OnnxModel(OpsetUpgrade.toTarget(b.build(), "t.onnx"));
        assertEquals(21, upgraded.opset());
        assertEquals(13, upgraded.sourceOpset());
        assertTrue(upgraded.proto().getIrVersion() >= 10, "opset 21 needs IR version 10");
    }

    @Test
    void modelsAtTheTargetAreLeftAlone() {
        GraphBuilder b = new GraphBuilder("t").opset(OpsetUpgrade.TARGET);
        b.input("x", FLOAT, 2);
        b.node("Relu").inputs("x").outputs("y").add();
        b.output("y", FLOAT, 2);
        ModelProto m = b.build();
        assertEquals(m, OpsetUpgrade.toTarget(m, "t.onnx"));
    }
}
