package dev.bitplan.qat.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.bitplan.qat.DjlRuntime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Q/DQ pairs fuse only where nothing else reads the quantizer; the fused form is the pair's arithmetic exactly. */
class QdqPairsTest {

    private static NodeProto node(String op, List<String> in, List<String> out) {
        return NodeProto.newBuilder().setOpType(op).setName(out.get(0)).addAllInput(in).addAllOutput(out).build();
    }

    @Test
    void fusesOnlyAQuantizerThatItsDequantizerAloneReads() {
        NodeProto q = node("QuantizeLinear", List.of("x", "s", "z"), List.of("q"));
        NodeProto dq = node("DequantizeLinear", List.of("q", "s", "z"), List.of("y"));
        NodeProto relu = node("Relu", List.of("y"), List.of("r"));
        List<NodeProto> fused = QdqPairs.fuse(List.of(q, dq, relu), Set.of("r"));
        assertEquals(List.of(QdqPairs.FAKE_QUANTIZE, "Relu"), fused.stream().map(NodeProto::getOpType).toList());
        assertEquals(List.of("x", "s", "z"), fused.get(0).getInputList());
        assertEquals("y", fused.get(0).getOutput(0));

        NodeProto alsoReads = node("Identity", List.of("q"), List.of("i"));
        assertEquals(List.of("QuantizeLinear", "DequantizeLinear", "Identity"), QdqPairs.fuse(List.of(q, dq, alsoReads), Set.of("y", "i"))
                .stream().map(NodeProto::getOpType).toList());
        NodeProto otherScale = node("DequantizeLinear", List.of("q", "s2", "z"), List.of("y"));
        assertEquals(2, QdqPairs.fuse(List.of(q, otherScale), Set.of("y")).size());

        NodeProto dyn = node("DynamicQuantizeLinear", List.of("x"), List.of("dq", "ds", "dz"));
        NodeProto dyndq = node("DequantizeLinear", List.of("dq", "ds", "dz"), List.of("dy"));
        assertEquals(List.of(QdqPairs.DYNAMIC_FAKE_QUANTIZE), QdqPairs.fuse(List.of(dyn, dyndq), Set.of("dy")).stream()
                .map(NodeProto::getOpType).toList());
    }

    /**
     * Values at half-way points, on the clip range's ends and beyond it: forward, ONNX's (clip(round(x / s) + z) - z) s
     * with half to even; backward, 1 inside the clip range (ends included) and 0 outside.
     */
    @Test
    void fusedFormIsThePairsArithmeticWithTheStraightThroughGradient() {
        float s = 0.1f;
        float z = 10f; // uint8 grid [0, 255]: the range is [-1.0, 24.5]
        float[] x = {-1.2f, -1.0f, -0.25f, 0.05f, 0.15f, 0.26f, 24.5f, 24.56f, 30f};
        try (NDManager m = DjlRuntime.newManager()) {
            NDArray in = m.create(x, new Shape(x.length));
            in.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector g = Engine.getEngine("PyTorch").newGradientCollector()) {
                y = FakeQuant.dequantized(in, s, z, 0f, 255f);
                g.backward(y.sum());
            }
            float[] expected = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                float q = Math.min(255f, Math.max(0f, (float) Math.rint(x[i] / s) + z));
                expected[i] = (q - z) * s;
            }
            assertArrayEquals(expected, y.toFloatArray(), 0f);
            assertArrayEquals(new float[] {0, 1, 1, 1, 1, 1, 1, 0, 0}, in.getGradient().toFloatArray(), 0f);
        }
    }
}
