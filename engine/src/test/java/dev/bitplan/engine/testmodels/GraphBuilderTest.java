package dev.bitplan.engine.testmodels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import org.junit.jupiter.api.Test;

import java.util.List;

class GraphBuilderTest {

    @Test
    void irVersionFollowsOpset() {
        assertEquals(6, GraphBuilder.irVersionFor(11));
        assertEquals(7, GraphBuilder.irVersionFor(13));
        assertEquals(8, GraphBuilder.irVersionFor(17));
        assertEquals(10, GraphBuilder.irVersionFor(21));
        ModelProto model = tiny().opset(11).producer("me").build();
        assertEquals(6, model.getIrVersion());
        assertEquals("me", model.getProducerName());
        assertEquals("", model.getOpsetImport(0).getDomain());
        assertEquals(11, model.getOpsetImport(0).getVersion());
    }

    @Test
    void dimsCanBeFixedSymbolicOrUnknown() {
        GraphBuilder b = new GraphBuilder("g");
        String x = b.input("x", GraphBuilder.FLOAT, "batch", 3, null);
        b.node("Relu").inputs(x).outputs("y").add();
        b.output("y", GraphBuilder.FLOAT, "batch", 3L, null);
        List<TensorShapeProto.Dimension> dims =
                b.build().getGraph().getInput(0).getType().getTensorType().getShape().getDimList();
        assertEquals("batch", dims.get(0).getDimParam());
        assertEquals(3, dims.get(1).getDimValue());
        assertFalse(dims.get(2).hasDimValue() || dims.get(2).hasDimParam());
    }

    @Test
    void nodesGetDeterministicUniqueNamesAndOutputs() {
        GraphBuilder b = new GraphBuilder("g");
        String x = b.input("x", GraphBuilder.FLOAT, 1, 4);
        String a = b.node("Relu").inputs(x).add();
        String c = b.node("Relu").inputs(a).add();
        assertEquals("/Relu_output_0", a);
        assertEquals("/Relu_1_output_0", c);
        List<NodeProto> nodes = b.build().getGraph().getNodeList();
        assertEquals("/Relu", nodes.get(0).getName());
        assertEquals("/Relu_1", nodes.get(1).getName());
    }

    @Test
    void attributesAndConstantsAreTyped() {
        GraphBuilder b = new GraphBuilder("g");
        String x = b.input("x", GraphBuilder.FLOAT, 2, 3);
        String k = b.constantInt64("/Constant", new long[] {5});
        b.node("Custom").name("n").inputs(x, k).outputs("y")
                .attrInt("i", 1).attrInts("is", 1, 2).attrFloat("f", 0.5f).attrFloats("fs", 1f, 2f)
                .attrString("s", "hi").attrTensor("t", GraphBuilder.floatTensor("", new float[] {1f}, 1))
                .add();
        NodeProto constant = b.build().getGraph().getNode(0);
        assertEquals("Constant", constant.getOpType());
        AttributeProto value = constant.getAttribute(0);
        assertEquals("value", value.getName());
        assertEquals(AttributeProto.AttributeType.TENSOR, value.getType());
        assertEquals(0, value.getT().getDimsCount(), "scalar constant");
        NodeProto custom = b.build().getGraph().getNode(1);
        assertEquals(List.of(AttributeProto.AttributeType.INT, AttributeProto.AttributeType.INTS,
                        AttributeProto.AttributeType.FLOAT, AttributeProto.AttributeType.FLOATS,
                        AttributeProto.AttributeType.STRING, AttributeProto.AttributeType.TENSOR),
                custom.getAttributeList().stream().map(AttributeProto::getType).toList());
        assertEquals("hi", custom.getAttribute(4).getS().toStringUtf8());
    }

    @Test
    void initializersUseRawDataUnlessTypedFieldsAreRequested() {
        GraphBuilder raw = new GraphBuilder("g");
        raw.floatInitializer("w", new float[] {1f, 2f}, 2);
        TensorProto r = raw.build().getGraph().getInitializer(0);
        assertEquals(8, r.getRawData().size());
        assertEquals(0, r.getFloatDataCount());

        GraphBuilder typed = new GraphBuilder("g").typedDataFields();
        typed.floatInitializer("w", new float[] {1f, 2f}, 2);
        typed.int64Initializer("i", new long[] {7}, 1);
        TensorProto t = typed.build().getGraph().getInitializer(0);
        assertTrue(t.getRawData().isEmpty());
        assertEquals(List.of(1f, 2f), t.getFloatDataList());
        assertEquals(List.of(7L), typed.build().getGraph().getInitializer(1).getInt64DataList());
    }

    @Test
    void seededWeightsAreReproducible() {
        GraphBuilder a = new GraphBuilder("g").seed(3);
        GraphBuilder b = new GraphBuilder("g").seed(3);
        a.heWeight("w", 16, 16, 4);
        b.heWeight("w", 16, 16, 4);
        assertEquals(a.build(), b.build());
        GraphBuilder c = new GraphBuilder("g").seed(4);
        c.heWeight("w", 16, 16, 4);
        assertFalse(a.build().equals(c.build()));
    }

    @Test
    void buildRejectsBrokenGraphs() {
        GraphBuilder outOfOrder = new GraphBuilder("g");
        outOfOrder.input("x", GraphBuilder.FLOAT, 1);
        outOfOrder.node("Relu").inputs("later").add();
        assertThrows(IllegalStateException.class, outOfOrder::build);

        GraphBuilder duplicate = new GraphBuilder("g");
        String x = duplicate.input("x", GraphBuilder.FLOAT, 1);
        duplicate.node("Relu").name("r").inputs(x).add();
        assertThrows(IllegalStateException.class, () -> duplicate.node("Relu").name("r").inputs(x).add());

        GraphBuilder missingOutput = tiny();
        missingOutput.output("nowhere", GraphBuilder.FLOAT, 1);
        assertThrows(IllegalStateException.class, missingOutput::build);

        assertThrows(IllegalArgumentException.class,
                () -> new GraphBuilder("g").floatInitializer("w", new float[3], 2, 2));
    }

    private static GraphBuilder tiny() {
        GraphBuilder b = new GraphBuilder("tiny");
        String x = b.input("x", GraphBuilder.FLOAT, 1, 4);
        b.node("Relu").inputs(x).outputs("y").add();
        b.output("y", GraphBuilder.FLOAT, 1, 4);
        return b;
    }
}
