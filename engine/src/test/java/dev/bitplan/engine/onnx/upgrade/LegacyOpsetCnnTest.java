package dev.bitplan.engine.onnx.upgrade;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.eval.EvaluationSamples;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.onnx.GraphOutputs;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import dev.bitplan.engine.runtime.OrtModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.runtime.TensorValue;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MNIST ResNet-8 written as an opset-8 exporter would have written it (BatchNormalization with its legacy
 * {@code spatial} attribute, a Reshape instead of Flatten, Gemm with a zero C and the bias in a separate Add, the batch
 * fixed to 1): upgraded on load, it computes what the old graph computes, node by node, and quantizes as the
 * opset-13 original does.
 */
class LegacyOpsetCnnTest {

    private static final RuntimeOptions RT = new RuntimeOptions(1, true);
    private static ModelProto original;
    private static ModelProto legacy;

    @BeforeAll
    static void build() throws Exception {
        original = ModelProto.parseFrom(Files.readAllBytes(Fixtures.file("mnist/resnet8_bn.onnx")));
        legacy = opsetEight(original);
    }

    @Test
    void theUpgradedGraphComputesWhatTheOpsetEightGraphComputesNodeByNode() {
        ModelProto upgraded = OpsetUpgrade.toTarget(legacy, "resnet8_opset8.onnx");
        assertEquals(OpsetUpgrade.TARGET, new OnnxModel(upgraded).opset());
        Set<String> tensors = new LinkedHashSet<>();
        legacy.getGraph().getNodeList().forEach(n -> tensors.addAll(n.getOutputList()));
        Map<String, NdArray> feed = Map.of("input", NdArray.ofFloats("input", new long[] {1, 1, 28, 28},
                digit()));
        Map<String, TensorValue> before = run(legacy, tensors, feed);
        Map<String, TensorValue> after = run(upgraded, tensors, feed);
        assertEquals(tensors.size(), before.size());
        for (String t : tensors) {
            assertArrayEquals(before.get(t).shape(), after.get(t).shape(), t);
            assertArrayEquals(before.get(t).data(), after.get(t).data(), 1e-5f, t);
        }
    }

    @Test
    void itQuantizesAsTheOpsetThirteenOriginalDoes() {
        PlanEvaluator modern = evaluator(ModelLoader.parse(original.toByteArray(), "resnet8_bn.onnx"));
        PlanEvaluator old = evaluator(ModelLoader.parse(legacy.toByteArray(), "resnet8_opset8.onnx"));
        assertEquals(modern.fp32Metric(), old.fp32Metric(), 1e-12, "the same FP32 accuracy");
        double a = modern.evaluate(QuantPlan.uniform(8, 8));
        double b = old.evaluate(QuantPlan.uniform(8, 8));
        assertTrue(Math.abs(a - b) <= 0.001, "W8A8 " + b + " at opset 8 vs " + a + " at opset 13: within 0.1 point");
        assertEquals(modern.model().layers().size(), old.model().layers().size(), "the same 10 layers, Gemm + Add included");
    }

    private static PlanEvaluator evaluator(OnnxModel model) {
        EvaluationSamples samples = EvaluationSamples.load(model, Fixtures.file("mnist/mnist_test.npz"), Fixtures.file("mnist/mnist_calib.npz"),
                256, 3);
        return new PlanEvaluator(PreparedModel.of(model), samples.calibration(), samples.validation(), QuantizationOptions.defaults(),
                Metric.ACCURACY, RuntimeOptions.defaults(), ProgressListener.NONE);
    }

    private static Map<String, TensorValue> run(ModelProto m, Set<String> tensors, Map<String, NdArray> feed) {
        byte[] bytes = GraphOutputs.withOutputs(new OnnxModel(m), tensors).toByteArray();
        try (OrtModel ort = OrtModel.load(bytes, RT)) {
            return ort.run(feed, tensors);
        }
    }

    /** The first digit of the MNIST test data. */
    private static float[] digit() {
        NdArray all = EvaluationSamples.whole(new OnnxModel(original), Fixtures.file("mnist/mnist_test.npz")).inputs().get("input");
        return all.selectSamples(new int[] {0}).toFloatArray();
    }

    /** The fixture as an opset-8 exporter writes it. */
    static ModelProto opsetEight(ModelProto m) {
        GraphProto g = m.getGraph();
        GraphProto.Builder b = g.toBuilder().clearNode();
        for (NodeProto n : g.getNodeList()) {
            switch (n.getOpType()) {
                case "BatchNormalization" -> b.addNode(n.toBuilder().addAttribute(
                        AttributeProto.newBuilder().setName("spatial").setType(AttributeProto.AttributeType.INT).setI(1)));
                case "Flatten" -> {
                    b.addInitializer(Tensors.int64Tensor("flatten_shape", new long[] {2}, new long[] {1, -1}));
                    b.addNode(NodeProto.newBuilder().setName(n.getName()).setOpType("Reshape").addInput(n.getInput(0))
                            .addInput("flatten_shape").addOutput(n.getOutput(0)));
                }
                case "Gemm" -> {
                    b.addInitializer(Tensors.floatTensor("fc.zero_bias", new long[] {10}, new float[10]));
                    b.addNode(n.toBuilder().setInput(2, "fc.zero_bias").setOutput(0, "/fc/Gemm_output_0"));
                    b.addNode(NodeProto.newBuilder().setName("/fc/Add").setOpType("Add").addInput("/fc/Gemm_output_0")
                            .addInput(n.getInput(2)).addOutput(n.getOutput(0)));
                }
                default -> b.addNode(n);
            }
        }
        b.setInput(0, fixBatch(g.getInput(0)));
        b.setOutput(0, fixBatch(g.getOutput(0)));
        return m.toBuilder().setGraph(b).setOpsetImport(0, m.getOpsetImport(0).toBuilder().setVersion(8)).build();
    }

    private static ValueInfoProto fixBatch(ValueInfoProto v) {
        ValueInfoProto.Builder b = v.toBuilder();
        b.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().setDim(0, TensorShapeProto.Dimension.newBuilder().setDimValue(1));
        return b.build();
    }
}
