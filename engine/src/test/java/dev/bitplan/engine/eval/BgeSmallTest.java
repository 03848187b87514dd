package dev.bitplan.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.qdq.ExportedModel;
import dev.bitplan.engine.runtime.OrtModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * BGE-small-en-v1.5 (a 12-layer BERT encoder from Maven Central) on real sentences: uniform 8-bit keeps the sentence
 * embeddings, by the metric a user of an embedding model reads (mean-pooled over real tokens, cosine against FP32).
 * A smaller run than the benchmark's (128 calibration and 192 validation sentences) to keep CI short.
 */
class BgeSmallTest {

    private static PreparedModel model;
    private static EvaluationSamples samples;

    @BeforeAll
    static void load() {
        OnnxModel loaded = ModelLoader.load(Fixtures.model(Fixtures.BGE_SMALL));
        model = PreparedModel.of(loaded);
        EvaluationSamples all = EvaluationSamples.load(loaded, Fixtures.file("text/license_text_64.npz"), null, 128, 0);
        SampleSet v = all.validation();
        samples = new EvaluationSamples(all.calibration(), new SampleSet(v.inputs(), v.labels(), Arrays.copyOf(v.indices(), 192)));
        assertEquals(Metric.SENTENCE_COSINE, DefaultMetric.of(model.folded(), samples.validation()), "the default for an encoder");
    }

    private static PlanEvaluator evaluator(ActivationMode mode) {
        return new PlanEvaluator(model, samples.calibration(), samples.validation(),
                QuantizationOptions.defaults().withActivationMode(mode), Metric.SENTENCE_COSINE, RuntimeOptions.defaults(),
                ProgressListener.NONE);
    }

    @ParameterizedTest
    @EnumSource(value = ActivationMode.class, names = {"AUTO", "STATIC"})
    void uniformEightBitKeepsTheSentenceEmbeddings(ActivationMode mode) {
        double cosine = evaluator(mode).evaluate(QuantPlan.uniform(8, 8));
        // before outputs read by LayerNorm stayed float and padding stayed out of the statistics: 0.92 (all positions)
        assertTrue(cosine >= 0.995, mode + " W8A8 sentence cosine " + cosine);
    }

    @Test
    void theDefaultExportIsInTheFormOnnxRuntimeFusesAndComputesWhatWasScored() throws Exception {
        PlanEvaluator e = evaluator(ActivationMode.AUTO);
        QuantPlan w8 = QuantPlan.uniform(8, 8);
        double scored = e.evaluate(w8);
        ExportedModel exported = e.export(w8);
        ModelProto m = ModelProto.parseFrom(exported.bytes());
        Map<String, Long> ops = m.getGraph().getNodeList().stream().collect(Collectors.groupingBy(NodeProto::getOpType, Collectors.counting()));
        assertEquals(12L, ops.get("QAttention"), "each layer's Q, K and V projections and attention are one QAttention: " + ops);
        assertEquals(null, ops.get("Softmax"), ops.toString());
        assertEquals(36L, ops.get("MatMulInteger"), "every other linear layer is a MatMulInteger: " + ops);
        assertEquals(48L, ops.get("DynamicQuantizeLinear"), "one per quantized input, Q, K and V's shared: " + ops);
        assertEquals(null, ops.get("DequantizeLinear"), "no table is dequantized whole: embeddings gather integer rows");
        assertEquals(scored, e.score(exported.bytes(), "deployed"), 2e-4, "ONNX Runtime's defaults compute what was scored");
    }

    @Test
    void onnxRuntimesOwnInt8SiblingLoadsAndComputesAsGiven() throws Exception {
        // what `bitplan compare` loads as the model to hold BitPlan's against; its DynamicQuantizeLinear / MatMulInteger /
        // DequantizeLinear at opset 11 were refused by the upgrade to 21 before
        Path file = Fixtures.model(Fixtures.BGE_SMALL_ORT_INT8);
        OnnxModel upgraded = ModelLoader.load(file);
        assertEquals(21, upgraded.opset());
        SampleSet all = EvaluationSamples.whole(upgraded, Fixtures.file("text/license_text_64.npz"));
        int[] first = {0, 1, 2, 3, 4, 5, 6, 7};
        Map<String, NdArray> feed = new LinkedHashMap<>();
        all.inputs().forEach((k, v) -> feed.put(k, v.selectSamples(first)));
        String out = upgraded.outputs().get(0).getName();
        float[] asGiven;
        float[] loaded;
        try (OrtModel a = OrtModel.load(Files.readAllBytes(file), RuntimeOptions.defaults());
             OrtModel b = OrtModel.load(upgraded.proto().toByteArray(), RuntimeOptions.defaults())) {
            asGiven = a.run(feed, Set.of(out)).get(out).data();
            loaded = b.run(feed, Set.of(out)).get(out).data();
        }
        assertTrue(SmoothQuantTest.maxRelativeError(loaded, asGiven) < 1e-5, "the upgrade changed the int8 model's outputs");
    }

    @Test
    void smoothQuantFoldingIsExactInFp32() {
        SmoothQuantPass.Result r = SmoothQuantPass.apply(model, samples.calibration(), 0.5, RuntimeOptions.defaults(), ProgressListener.NONE);
        // every LayerNorm but the last (a graph output): 12 feed Q, K and V, 12 the FFN's first MatMul; each is read by a residual Add too
        assertEquals(24, r.sites().size(), r.notes().toString());
        assertEquals(48, r.sites().stream().mapToInt(s -> s.readers().size()).sum());
        PlanEvaluator e = evaluator(ActivationMode.AUTO);
        SampleSet few = new SampleSet(samples.validation().inputs(), null, Arrays.copyOf(samples.validation().indices(), 64));
        PlanEvaluator on64 = e.onSamples(few, ProgressListener.NONE);
        float[] asGiven = on64.run(model.foldedBytes(), RuntimeOptions.defaults().forSimulation(), "fp32");
        float[] smoothed = on64.run(r.model().foldedBytes(), RuntimeOptions.defaults().forSimulation(), "smoothed fp32");
        double error = SmoothQuantTest.maxRelativeError(smoothed, asGiven);
        assertTrue(error < 1e-5, "smoothing changed BGE-small's FP32 outputs by " + error);
    }
}
