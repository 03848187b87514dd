package dev.bitplan.qat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.runtime.OrtModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.runtime.TensorValue;
import dev.bitplan.engine.testmodels.GraphBuilder;
import dev.bitplan.qat.graph.OnnxToDjl;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Ops the fixtures do not use, each in a small graph built in code, run by the importer and by ONNX Runtime on the same
 * random input: ConvTranspose, grouped Conv with unequal pads, MaxPool, AveragePool, Sigmoid, Tanh, LayerNormalization,
 * Gelu, Softmax, Transpose, Slice, Unsqueeze, Squeeze, Concat, Where, Greater, Expand, ReduceMean over two axes.
 */
class OpCoverageTest {

    private static void assertSameAsOnnxRuntime(ModelProto model, long[] shape) {
        Random random = new Random(5);
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
        }
        TensorValue expected;
        try (OrtModel ort = OrtModel.load(model.toByteArray(), RuntimeOptions.defaults().forSimulation())) {
            expected = ort.run(Map.of("x", NdArray.ofFloats("x", shape, x)), Set.of("y")).get("y");
        }
        try (NDManager manager = DjlRuntime.newManager()) {
            NDArray y = OnnxToDjl.importModel(model, manager).run(manager, Map.of("x", manager.create(x, new ai.djl.ndarray.types.Shape(shape))))
                    .get("y");
            assertArrayEquals(expected.shape(), y.getShape().getShape(), "output shape");
            double error = Outputs.relativeError(y.toFloatArray(), expected.data());
            System.out.printf("%s: DJL vs ORT max error %.3g of the largest output%n", model.getGraph().getName(), error);
            assertTrue(error < 1e-5, "relative error " + error);
        }
    }

    @Test
    void convolutionsAndPools() {
        GraphBuilder g = new GraphBuilder("convolutions and pools").opset(21);
        String x = g.input("x", GraphBuilder.FLOAT, 2, 3, 8, 8);
        String up = g.node("ConvTranspose").inputs(x, g.heWeight("wt", 27, 3, 4, 3, 3), g.heWeight("bt", 4, 4))
                .attrInts("strides", 2, 2).attrInts("pads", 1, 1, 1, 1).attrInts("output_padding", 1, 1).add();
        String conv = g.node("Conv").inputs(up, g.heWeight("wc", 18, 4, 2, 3, 3))
                .attrInt("group", 2).attrInts("pads", 0, 0, 1, 1).add();
        String act = g.node("Sigmoid").inputs(conv).add();
        String max = g.node("MaxPool").inputs(act).attrInts("kernel_shape", 2, 2).attrInts("strides", 2, 2).add();
        String avg = g.node("AveragePool").inputs(max).attrInts("kernel_shape", 3, 3).attrInts("pads", 1, 1, 1, 1)
                .attrInt("count_include_pad", 0).add();
        String tanh = g.node("Tanh").inputs(avg).add();
        String axes = g.constantInt64("axes", new long[] {2, 3}, 2);
        g.node("ReduceMean").inputs(tanh, axes).attrInt("keepdims", 0).outputs("y").add();
        assertSameAsOnnxRuntime(g.output("y", GraphBuilder.FLOAT, 2, 4).build(), new long[] {2, 3, 8, 8});
    }

    @Test
    void encoderPieces() {
        GraphBuilder g = new GraphBuilder("encoder pieces").opset(21);
        String x = g.input("x", GraphBuilder.FLOAT, 2, 5, 8);
        String ln = g.node("LayerNormalization").inputs(x, g.uniformInitializer("gamma", 0.5, 1.5, 8),
                g.uniformInitializer("beta", -0.1, 0.1, 8)).attrInt("axis", -1).attrFloat("epsilon", 1e-12f).add();
        String mm = g.node("MatMul").inputs(ln, g.heWeight("w", 8, 8, 8)).add();
        String gelu = g.node("Gelu").inputs(mm).add();
        String soft = g.node("Softmax").inputs(gelu).attrInt("axis", -1).add();
        String t = g.node("Transpose").inputs(soft).attrInts("perm", 0, 2, 1).add();
        String sl = g.node("Slice").inputs(t, g.constantInt64("starts", new long[] {1}, 1), g.constantInt64("ends", new long[] {4}, 1),
                g.constantInt64("sliceAxes", new long[] {2}, 1)).add();
        String un = g.node("Unsqueeze").inputs(sl, g.constantInt64("unAxes", new long[] {1}, 1)).add();
        String sq = g.node("Squeeze").inputs(un, g.constantInt64("sqAxes", new long[] {1}, 1)).add();
        String cat = g.node("Concat").inputs(sq, sl).attrInt("axis", 2).add();
        String big = g.node("Greater").inputs(cat, g.floatInitializer("cut", new float[] {0.12f})).add();
        String fill = g.node("Expand").inputs(g.floatInitializer("one", new float[] {-1f}, 1), g.constantInt64("shape", new long[] {2, 8, 6}, 3)).add();
        g.node("Where").inputs(big, cat, fill).outputs("y").add();
        assertSameAsOnnxRuntime(g.output("y", GraphBuilder.FLOAT, 2, 8, 6).build(), new long[] {2, 5, 8});
    }
}
