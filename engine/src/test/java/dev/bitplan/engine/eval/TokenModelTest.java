package dev.bitplan.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.metrics.TokenMask;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.qdq.SampleSets;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.testmodels.TestModels;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A token encoder scored on the same sentences padded to two lengths: padding must change nothing, neither the FP32
 * reference at real tokens, nor calibration, nor the quantized metric.
 */
class TokenModelTest {

    private static final PreparedModel MODEL = PreparedModel.of(new OnnxModel(TestModels.tokenEncoder()));
    private static final RuntimeOptions RT = new RuntimeOptions(1, true);

    private static PlanEvaluator evaluator(int tokens, ActivationMode mode) {
        return evaluator(tokens, 0, mode);
    }

    /** Padding id 0 embeds 40x larger than any real token ({@link TestModels#tokenEncoder}); id 5 is an ordinary one. */
    private static PlanEvaluator evaluator(int tokens, long padId, ActivationMode mode) {
        return new PlanEvaluator(MODEL, SampleSets.sentences(7, 48, tokens, padId), SampleSets.sentences(8, 40, tokens, padId),
                QuantizationOptions.defaults().withActivationMode(mode), Metric.SENTENCE_COSINE, RT, ProgressListener.NONE);
    }

    @Test
    void aTokenModelIsScoredBySentenceCosineByDefault() {
        assertEquals(Metric.SENTENCE_COSINE, DefaultMetric.of(MODEL.folded(), SampleSets.sentences(1, 4, 12)));
        assertEquals(Metric.AGREEMENT, DefaultMetric.of(new OnnxModel(TestModels.transformerLike(13, false)), SampleSets.tokens(1, 4)));
    }

    @Test
    void realTokensComputeTheSameWhateverThePaddingAndPaddingRowsStayZero() {
        PlanEvaluator tight = evaluator(9, ActivationMode.STATIC);
        PlanEvaluator padded = evaluator(20, ActivationMode.STATIC);
        float[] a = tight.referenceOutputs();
        float[] b = padded.referenceOutputs();
        TokenMask mask = tight.tokenMask();
        int hidden = TestModels.HIDDEN;
        for (int i = 0; i < mask.samples(); i++) {
            for (int t = 0; t < 20; t++) {
                for (int h = 0; h < hidden; h++) {
                    float got = b[(i * 20 + t) * hidden + h];
                    if (t < mask.realCount(i)) {
                        assertEquals(a[(i * 9 + t) * hidden + h], got, 1e-5, "sample " + i + " token " + t);
                    } else {
                        assertEquals(0f, got, "padding of sample " + i + " token " + t + " is never run");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ActivationMode.class, names = {"STATIC", "DYNAMIC"})
    void paddingNeitherEntersCalibrationNorDynamicRangesNorTheMetric(ActivationMode mode) {
        double huge = evaluator(20, 0, mode).evaluate(QuantPlan.uniform(8, 8));
        double ordinary = evaluator(9, 5, mode).evaluate(QuantPlan.uniform(8, 8));
        assertEquals(ordinary, huge, 1e-6, "what the padding holds and how long it is change nothing");
        assertTrue(huge > 0.99 && huge < 1.0, "8-bit quantization costs a little: " + huge);
    }

    @Test
    void calibratedRangesSpanRealTokensOnly() {
        PlanEvaluator e = evaluator(20, 0, ActivationMode.STATIC);
        e.calibrate();
        String embeddings = MODEL.layers().stream().filter(l -> l.name().equals("/ffn/in/MatMul")).findFirst().orElseThrow().input();
        double range = e.quantizer().activations().params(embeddings, 8).scale() * 255;
        assertTrue(range < 12, "the FFN input's range holds real embeddings (N(0, 1)), not the 40x padding one: " + range);
    }

    @Test
    void aLayerOutputReadByFloatOpsStaysFloatAndOneReadByAQuantizedLayerIsQuantized() {
        ModelProto m = evaluator(9, ActivationMode.STATIC).exportSimulation(QuantPlan.uniform(8, 8));
        List<NodeProto> nodes = m.getGraph().getNodeList();
        // /ffn/in's group output (after Relu) is read only by /ffn/out: quantized in place, for every reader
        assertTrue(nodes.stream().anyMatch(n -> n.getOpType().equals("QuantizeLinear") && n.getInput(0).equals(groupOutput("/ffn/act/Relu", m))),
                "the FFN input projection's output is quantized");
        // /ffn/out's output goes to the residual Add and on to float ops (ReduceSum, ReduceMean): left float
        String ffnOut = groupOutput("/ffn/out/Add", m);
        assertFalse(nodes.stream().anyMatch(n -> n.getOpType().equals("QuantizeLinear") && n.getInput(0).equals(ffnOut)),
                "the FFN output projection's output stays float");
        // the model's output is no quantized tensor either
        assertFalse(nodes.stream().anyMatch(n -> n.getOpType().equals("DequantizeLinear") && n.getOutput(0).equals("last_hidden_state")));
    }

    private static String groupOutput(String node, ModelProto m) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getName().equals(node)).findFirst().orElseThrow().getOutput(0);
    }
}
