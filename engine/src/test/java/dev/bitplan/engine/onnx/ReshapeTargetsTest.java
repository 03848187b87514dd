package dev.bitplan.engine.onnx;

import static dev.bitplan.engine.testmodels.GraphBuilder.FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.runtime.OrtModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.runtime.TensorValue;
import dev.bitplan.engine.testmodels.GraphBuilder;
import dev.bitplan.engine.testmodels.TestData;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reshape targets computed from the data's own shape become constants; the outputs stay the same, other shapes stay. */
class ReshapeTargetsTest {

    private static final RuntimeOptions RT = new RuntimeOptions(1, true);

    /** x [batch, tokens, 8] -> Reshape to [batch, tokens, 2, 4] with batch and tokens read from Shape(source). */
    private static ModelProto attentionSplit(boolean shapeOfTheData) {
        GraphBuilder b = new GraphBuilder("split").opset(13).seed(3);
        b.input("x", FLOAT, "batch", "tokens", 8);
        b.input("other", FLOAT, "batch2", "tokens2", 8);
        String x = b.node("Relu").name("/pre/Relu").inputs("x").add();
        String shape = b.node("Shape").name("/s/Shape").inputs(shapeOfTheData ? x : "other").add();
        String d0 = b.node("Gather").name("/s/Gather").inputs(shape, b.int64Initializer("i0", new long[] {0})).attrInt("axis", 0).add();
        String d1 = b.node("Gather").name("/s/Gather_1").inputs(shape, b.int64Initializer("i1", new long[] {1})).attrInt("axis", 0).add();
        String axes = b.int64Initializer("axes0", new long[] {0}, 1);
        String u0 = b.node("Unsqueeze").name("/s/Unsqueeze").inputs(d0, axes).add();
        String u1 = b.node("Unsqueeze").name("/s/Unsqueeze_1").inputs(d1, axes).add();
        String target = b.node("Concat").name("/s/Concat").inputs(u0, u1, b.int64Initializer("heads", new long[] {2, 4}, 2))
                .attrInt("axis", 0).add();
        b.node("Reshape").name("/s/Reshape").inputs(x, target).outputs("y").add();
        b.output("y", FLOAT, "batch", "tokens", 2, 4);
        return b.build();
    }

    private static TensorValue run(ModelProto m, NdArray x) {
        try (OrtModel ort = OrtModel.load(m.toByteArray(), RT)) {
            return ort.run(Map.of("x", x, "other", x), Set.of("y")).get("y");
        }
    }

    @Test
    void theDatasOwnDimensionsBecomeZerosAndTheShapeOpsGo() {
        OnnxModel model = ConstantFolder.fold(new OnnxModel(attentionSplit(true)));
        OnnxModel simplified = ReshapeTargets.simplify(model);
        NodeProto reshape = simplified.nodes().stream().filter(n -> n.getOpType().equals("Reshape")).findFirst().orElseThrow();
        assertArrayEquals(new long[] {0, 0, 2, 4}, Tensors.longs(simplified.initializer(reshape.getInput(1)).orElseThrow()));
        assertTrue(simplified.nodes().stream().noneMatch(n -> Set.of("Shape", "Gather", "Unsqueeze", "Concat").contains(n.getOpType())),
                "the shape chain is dropped: " + simplified.nodes().stream().map(NodeProto::getOpType).toList());
        NdArray x = NdArray.ofFloats("x", new long[] {3, 5, 8}, TestData.floats(4, 120));
        TensorValue before = run(model.proto(), x);
        TensorValue after = run(simplified.proto(), x);
        assertArrayEquals(before.shape(), after.shape());
        assertArrayEquals(before.data(), after.data(), 0f);
    }

    @Test
    void aTargetReadFromAnotherTensorsShapeStays() {
        OnnxModel model = ConstantFolder.fold(new OnnxModel(attentionSplit(false)));
        assertSame(model, ReshapeTargets.simplify(model), "another tensor's dimensions need not equal the data's");
        assertEquals(1, model.nodes().stream().filter(n -> n.getOpType().equals("Shape")).count());
    }
}
