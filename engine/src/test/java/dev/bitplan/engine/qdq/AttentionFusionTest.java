package dev.bitplan.engine.qdq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.runtime.OrtModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.testmodels.TestModels;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A BERT attention block whose Q, K and V projections are dynamic 8-bit becomes one {@code com.microsoft.QAttention} in
 * the integer models (scored and exported) and computes what the unfused block computes, padding included; a block
 * QAttention cannot express, or whose tensors are read elsewhere, stays as it was.
 */
class AttentionFusionTest {

    private static final RuntimeOptions RT = new RuntimeOptions(1, true);
    private static final QuantPlan W8 = QuantPlan.uniform(8, 8);
    private static final float SQRT_HEAD_SIZE = (float) Math.sqrt(TestModels.HIDDEN / TestModels.ATTENTION_HEADS);

    private static PlanEvaluator evaluator(ModelProto model, boolean perChannel) {
        return new PlanEvaluator(PreparedModel.of(new OnnxModel(model)), SampleSets.sentences(7, 32, 12),
                SampleSets.sentences(8, 24, 12), QuantizationOptions.defaults().withPerChannel(perChannel), Metric.SENTENCE_COSINE,
                RT, ProgressListener.NONE);
    }

    private static Map<String, Long> ops(ModelProto m) {
        return m.getGraph().getNodeList().stream().collect(Collectors.groupingBy(NodeProto::getOpType, Collectors.counting()));
    }

    /** Outputs on padded sentences of 3 to 12 tokens, batch 6. */
    private static float[] run(ModelProto m) {
        SampleSet s = SampleSets.sentences(9, 6, 12);
        try (OrtModel ort = OrtModel.load(m.toByteArray(), RT)) {
            return ort.run(s.inputs(), Set.of("last_hidden_state")).get("last_hidden_state").data();
        }
    }

    @ParameterizedTest(name = "per-channel weights: {0}")
    @ValueSource(booleans = {true, false})
    void theBlockBecomesOneQAttentionComputingWhatTheUnfusedBlockComputes(boolean perChannel) {
        PlanEvaluator e = evaluator(TestModels.attentionEncoder(SQRT_HEAD_SIZE, false), perChannel);
        ModelProto fused = e.exportDeployed(W8);
        Map<String, Long> ops = ops(fused);
        assertEquals(1L, ops.get("QAttention"), ops.toString());
        assertEquals(1L, ops.get("MatMulInteger"), "only the output projection is left: " + ops);
        assertEquals(null, ops.get("Softmax"), ops.toString());
        assertEquals(null, ops.get("Sub"), "the float mask's arithmetic is gone: " + ops);
        NodeProto attention = fused.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("QAttention")).findFirst().orElseThrow();
        assertEquals(TestModels.ATTENTION_HEADS, OnnxModel.intAttribute(attention, "num_heads", 0));
        assertEquals(-Float.MAX_VALUE, OnnxModel.attribute(attention, "mask_filter_value").map(AttributeProto::getF).orElseThrow());
        assertTrue(e.quantizer().export(W8, WeightDataType.INT8).notes().stream().anyMatch(n -> n.contains("QAttention")),
                "the report says so");

        // the fake-quant model is never fused: the same quantized values, the product in float
        ModelProto unfused = e.exportSimulation(W8);
        assertEquals(1L, ops(unfused).get("Softmax"));
        float[] a = run(fused);
        float[] b = run(unfused);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
        }
        assertTrue(worst < 1e-4, "QAttention against the unfused block: " + worst);
        assertEquals(e.evaluate(W8), e.score(fused.toByteArray(), "fused"), 1e-6, "what is scored is the fused model");
    }

    @Test
    void aBlockWhoseProjectionIsReadElsewhereStaysUnfused() {
        Map<String, Long> ops = ops(evaluator(TestModels.attentionEncoder(SQRT_HEAD_SIZE, true), true).exportDeployed(W8));
        assertEquals(null, ops.get("QAttention"), ops.toString());
        assertEquals(4L, ops.get("MatMulInteger"), ops.toString());
    }

    @Test
    void scoresScaledOtherThanByTheSquareRootOfTheHeadSizeStayUnfused() {
        // QAttention always scales by 1 / sqrt(head size)
        Map<String, Long> ops = ops(evaluator(TestModels.attentionEncoder(3f, false), true).exportDeployed(W8));
        assertEquals(null, ops.get("QAttention"), ops.toString());
        assertEquals(1L, ops.get("Softmax"), ops.toString());
    }
}
