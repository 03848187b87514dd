package dev.bitplan.engine.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import dev.bitplan.engine.qdq.ExportedModel;
import dev.bitplan.engine.qdq.SampleSets;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.smooth.SmoothQuantFolding;
import dev.bitplan.engine.smooth.Smoothing;
import dev.bitplan.engine.smooth.SmoothingSite;
import dev.bitplan.engine.testmodels.GraphBuilder;
import dev.bitplan.engine.testmodels.TestModels;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SmoothQuant as a quantization option: the smoothed float model computes what the model as given computes (so that
 * any change in a quantized metric is the migration's doing), its scales are the paper's formula, it touches only
 * LayerNorms whose every reader can take the scale, and it is what calibration, scoring and the export start from.
 */
class SmoothQuantTest {

    private static final RuntimeOptions RT = new RuntimeOptions(1, true);

    /** Largest |a - b| / max(1, |b|) over two output arrays of the same samples. */
    static double maxRelativeError(float[] a, float[] b) {
        assertEquals(b.length, a.length);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
        }
        return worst;
    }

    private static PlanEvaluator evaluator(PreparedModel model, QuantizationOptions options) {
        return new PlanEvaluator(model, SampleSets.sentences(7, 48, 12), SampleSets.sentences(8, 40, 12), options,
                Metric.SENTENCE_COSINE, RT, ProgressListener.NONE);
    }

    @ParameterizedTest(name = "LayerNormalization op: {0}")
    @ValueSource(booleans = {false, true})
    void foldingIsExactInFp32OnATokenEncoderWithLayerNorms(boolean fusedOp) {
        PreparedModel model = PreparedModel.of(new OnnxModel(TestModels.layerNormEncoder(fusedOp)));
        assertEquals(TestModels.LAYER_NORM_ENCODER_LAYERS, model.layers().stream().map(Layer::name).toList());
        PlanEvaluator e = evaluator(model, QuantizationOptions.defaults().withSmoothQuantAlpha(0.5));
        SmoothQuantPass.Result r = SmoothQuantPass.apply(model, SampleSets.sentences(7, 48, 12), 0.5, RT, ProgressListener.NONE);
        assertEquals(2, r.sites().size(), "both LayerNorms: " + r.notes());
        SmoothingSite ln1 = r.sites().get(0);
        assertEquals(List.of("/attn/query/MatMul", "/attn/value/MatMul"), ln1.readers().stream().map(Layer::name).toList());
        assertEquals(1, ln1.restoredReaders().size(), "the residual Add reads the unscaled value back");
        assertTrue(r.sites().get(1).restoredReaders().isEmpty(), "LayerNorm 2 feeds the head alone");
        float[] s = r.scales().get(ln1.output());
        for (int j = 0; j < s.length; j++) {
            assertTrue(j == 5 || s[5] > 1.5 * s[j], "channel 5, whose gamma is 8, gets the largest scale: " + java.util.Arrays.toString(s));
        }

        float[] asGiven = e.run(model.foldedBytes(), RT.forSimulation(), "fp32");
        float[] smoothed = e.run(r.model().foldedBytes(), RT.forSimulation(), "smoothed fp32");
        double error = maxRelativeError(smoothed, asGiven);
        assertTrue(error < 1e-5, "smoothing changed the FP32 outputs by " + error);
        assertEquals(Smoothing.smoothedTensor(ln1), r.model().folded().producer(Smoothing.smoothedTensor(ln1)).orElseThrow().getOutput(0),
                "the LayerNorm writes the smoothed value");
        for (Layer l : r.model().layers()) {
            if (ln1.readers().stream().anyMatch(reader -> reader.name().equals(l.name()))) {
                assertEquals(Smoothing.smoothedTensor(ln1), l.input(), "both readers read it");
            }
        }
        // and the smoothing is real: the activation the MatMuls quantize has a narrower range than before
        assertTrue(absMax(r.model(), Smoothing.smoothedTensor(ln1)) < 0.5 * absMax(model, ln1.output()));
    }

    /** Largest |x| of a tensor of a model over the calibration sentences. */
    private static float absMax(PreparedModel model, String tensor) {
        float[] max = {0};
        CalibrationRun.forEachBatch(model.folded(), SampleSets.sentences(7, 48, 12), Set.of(tensor), RT, ProgressListener.NONE, "range",
                (inputs, indices) -> { }, (name, values) -> {
                    for (float v : values) {
                        max[0] = Math.max(max[0], Math.abs(v));
                    }
                });
        return max[0];
    }

    @Test
    void theSmoothedModelIsWhatIsScoredAndExportedAndTheReportSaysSo() {
        PreparedModel model = PreparedModel.of(new OnnxModel(TestModels.layerNormEncoder(false)));
        QuantizationOptions staticW8 = QuantizationOptions.defaults().withActivationMode(ActivationMode.STATIC);
        PlanEvaluator off = evaluator(model, staticW8);
        PlanEvaluator on = evaluator(model, staticW8.withSmoothQuantAlpha(0.8));
        QuantPlan w8 = QuantPlan.uniform(8, 8);
        assertEquals(off.fp32Metric(), on.fp32Metric(), 0, "FP32 is the model as given either way");
        assertNotEquals(off.evaluate(w8), on.evaluate(w8), "the smoothed model is what plans are scored on");
        ExportedModel exported = on.export(w8);
        assertTrue(exported.notes().get(0).startsWith("SmoothQuant alpha 0.8: 2 LayerNorm outputs smoothed into the weights of "
                + "3 MatMul layers"), exported.notes().toString());
        assertTrue(off.export(w8).notes().stream().noneMatch(n -> n.contains("SmoothQuant")));
        assertTrue(exportedNodeWrites(exported, "/ln1/Add_1_output_0" + Smoothing.SMOOTHED_SUFFIX), "the export is smoothed");
    }

    private static boolean exportedNodeWrites(ExportedModel exported, String tensor) {
        try {
            return ModelProto.parseFrom(exported.bytes()).getGraph().getNodeList().stream()
                    .anyMatch(n -> n.getOutputList().contains(tensor));
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
            throw new AssertionError(ex);
        }
    }

    @Test
    void aLayerNormThatANonMatMulReadsIsLeftAlone() {
        // x -> Mul(gamma) -> Add(beta) -> {MatMul layer, Sigmoid}: the Sigmoid would see the scaled value
        GraphBuilder b = new GraphBuilder("ln_read_by_sigmoid").opset(13);
        String x = b.input("input", GraphBuilder.FLOAT, "batch", 4);
        String n = b.node("Add").name("/ln/Add_1").inputs(
                b.node("Mul").name("/ln/Mul").inputs(x, b.floatInitializer("ln.weight", new float[] {1, 5, 1, 1}, 4)).add(),
                b.floatInitializer("ln.bias", new float[] {0, 1, 0, 0}, 4)).add();
        b.node("MatMul").name("/fc/MatMul").inputs(n, b.heWeight("fc.weight", 4, 4, 3)).outputs("y").add();
        b.node("Sigmoid").name("/gate/Sigmoid").inputs(n).outputs("gate").add();
        b.output("y", GraphBuilder.FLOAT, "batch", 3);
        b.output("gate", GraphBuilder.FLOAT, "batch", 4);
        PreparedModel model = PreparedModel.of(new OnnxModel(b.build()));
        SmoothQuantPass.Result r = SmoothQuantPass.apply(model, SampleSets.vectors(3, 16, 4), 0.5, RT, ProgressListener.NONE);
        assertTrue(r.sites().isEmpty());
        assertTrue(r.notes().get(0).contains("0 LayerNorm outputs") && r.notes().get(0).contains("1 MatMul input has no LayerNorm to fold into"), r.notes().toString());
        assertArrayEquals(model.foldedBytes(), r.model().foldedBytes(), "not one weight changed");
    }

    @Test
    void aSingleReaderWithoutResidualGetsNoExtraNode() {
        PreparedModel model = PreparedModel.of(new OnnxModel(TestModels.layerNormEncoder(true)));
        SmoothQuantPass.Result r = SmoothQuantPass.apply(model, SampleSets.sentences(7, 48, 12), 0.5, RT, ProgressListener.NONE);
        long added = r.model().folded().nodes().stream().filter(n -> n.getName().endsWith("/smoothquant/Mul")).count();
        assertEquals(1, added, "one Mul, for LayerNorm 1's residual reader only");
        NodeProto residual = r.model().folded().nodes().stream().filter(n -> n.getName().equals("/attn/residual/Add")).findFirst().orElseThrow();
        String read = residual.getInput(0);
        assertEquals(r.sites().get(0).output(), read, "the residual Add reads the LayerNorm's output by its old name");
        assertTrue(r.model().folded().producer(read).orElseThrow().getName().endsWith("/smoothquant/Mul"), "now given back by the Mul");
        // gamma of LayerNorm 2 lost exactly the head's row scale
        SmoothingSite ln2 = r.sites().get(1);
        float[] before = Tensors.floats(model.folded().initializer(ln2.gamma()).orElseThrow());
        float[] after = Tensors.floats(r.model().folded().initializer(ln2.gamma()).orElseThrow());
        float[] s = r.scales().get(ln2.output());
        for (int j = 0; j < s.length; j++) {
            assertEquals(before[j] / s[j], after[j], 1e-6 * Math.abs(before[j] / s[j]));
        }
    }

    @Test
    void withoutCalibrationSamplesThereIsNothingToMeasureAndItSaysSo() {
        PreparedModel model = PreparedModel.of(new OnnxModel(TestModels.layerNormEncoder(false)));
        SampleSet some = SampleSets.sentences(7, 4, 12);
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.bitplan.engine.InvalidInputException.class, () -> SmoothQuantPass.apply(
                model, new SampleSet(some.inputs(), null, new int[0]), 0.5, RT, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("calibration samples"), e.getMessage());
    }

    /** Per-layer SmoothQuant: any subset of a LayerNorm's readers may read its smoothed output, and FP32 stays as it was. */
    @Test
    void anyMixOfSmoothedAndPlainReadersIsExactInFp32() {
        PreparedModel model = PreparedModel.of(new OnnxModel(TestModels.layerNormEncoder(false)));
        Smoothing smoothing = SmoothQuantPass.measure(model, SampleSets.sentences(7, 48, 12), 0.5, RT, ProgressListener.NONE);
        OnnxModel mixed = SmoothQuantFolding.apply(model.folded(), smoothing, Set.of("/attn/query/MatMul"), true);
        PreparedModel prepared = new PreparedModel(mixed, dev.bitplan.engine.layers.LayerDiscovery.discover(mixed), List.of());
        String ln1 = smoothing.sites().get(0).output();
        assertEquals(ln1 + Smoothing.SMOOTHED_SUFFIX, input(prepared, "/attn/query/MatMul"), "the smoothed reader reads y / s");
        assertEquals(ln1, input(prepared, "/attn/value/MatMul"), "the plain reader reads y, given back by the Mul");
        assertEquals(smoothing.sites().get(1).output(), input(prepared, "/head/MatMul"), "LayerNorm 2 has no smoothed reader: untouched");
        PlanEvaluator e = evaluator(model, QuantizationOptions.defaults());
        double error = maxRelativeError(e.run(prepared.foldedBytes(), RT.forSimulation(), "mixed"), e.run(model.foldedBytes(),
                RT.forSimulation(), "fp32"));
        assertTrue(error < 1e-5, "smoothing one reader changed the FP32 outputs by " + error);
    }

    /**
     * Scales given to a quantizer (as QAT gives the tuned model the scales it trained with) are the ones its plans are
     * smoothed with, not scales it would measure itself; scales of another model's sites, or given too late, are refused.
     */
    @Test
    void givenSmoothingScalesReplaceMeasuredOnes() {
        PreparedModel model = PreparedModel.of(new OnnxModel(TestModels.layerNormEncoder(false)));
        QuantPlan plan = QuantPlan.uniform(8, 8).with("/attn/query/MatMul", dev.bitplan.contracts.plan.LayerChoice.of(8, 8).withSmoothed(true));
        PlanEvaluator atHalf = evaluator(model, QuantizationOptions.defaults().withSmoothQuantAlpha(0.5));
        PlanEvaluator given = evaluator(model, QuantizationOptions.defaults().withSmoothQuantAlpha(0.8));
        PlanEvaluator measured = evaluator(model, QuantizationOptions.defaults().withSmoothQuantAlpha(0.8));
        given.quantizer().fixSmoothing(atHalf.quantizer().smoothing());
        assertEquals(atHalf.evaluate(plan), given.evaluate(plan), 1e-9, "smoothed with the given alpha-0.5 scales");
        assertNotEquals(atHalf.evaluate(plan), measured.evaluate(plan), "alpha 0.8 measured smooths otherwise");
        assertThrows(IllegalStateException.class, () -> given.quantizer().fixSmoothing(atHalf.quantizer().smoothing()));
        Smoothing oneSite = new Smoothing(atHalf.quantizer().smoothing().sites().subList(0, 1), atHalf.quantizer().smoothing().scales(),
                0.5, java.util.Map.of());
        var e = assertThrows(IllegalArgumentException.class,
                () -> evaluator(model, QuantizationOptions.defaults()).quantizer().fixSmoothing(oneSite));
        assertTrue(e.getMessage().contains("this model's are"), e.getMessage());
    }

    private static String input(PreparedModel model, String layer) {
        return model.layers().stream().filter(l -> l.name().equals(layer)).findFirst().orElseThrow().input();
    }

    @ParameterizedTest(name = "activations {0}")
    @ValueSource(strings = {"STATIC", "DYNAMIC"})
    void aPlanSmoothsExactlyTheLayersThatChooseIt(String mode) throws Exception {
        PreparedModel model = PreparedModel.of(new OnnxModel(TestModels.layerNormEncoder(false)));
        PlanEvaluator e = evaluator(model, QuantizationOptions.defaults().withActivationMode(ActivationMode.valueOf(mode)));
        QuantPlan plain = QuantPlan.uniform(8, 8);
        QuantPlan oneSmoothed = plain.with("/attn/query/MatMul", dev.bitplan.contracts.plan.LayerChoice.of(8, 8).withSmoothed(true));
        assertEquals(Set.of("/attn/query/MatMul"), e.quantizer().smoothedLayers(oneSmoothed));
        assertEquals(Set.of(), e.quantizer().smoothedLayers(plain), "the job does not smooth by default");
        assertNotEquals(e.evaluate(plain), e.evaluate(oneSmoothed), "the smoothed layer is scored smoothed");

        ExportedModel exported = e.export(oneSmoothed);
        assertTrue(exported.notes().get(0).startsWith("SmoothQuant alpha 0.5: 1 LayerNorm output smoothed into the weights of 1 "
                + "MatMul layer (of 3"), exported.notes().toString());
        ModelProto m = ModelProto.parseFrom(exported.bytes());
        String ln1 = "/ln1/Add_1_output_0";
        // the query's input quantization reads y / s, the value's reads y: follow each MatMul's input back through Q/DQ
        assertEquals(ln1 + Smoothing.SMOOTHED_SUFFIX, quantizedFrom(m, "/attn/query/MatMul"));
        assertEquals(ln1, quantizedFrom(m, "/attn/value/MatMul"));
        // and the deployed export computes what was scored
        assertEquals(e.evaluate(oneSmoothed), e.score(exported.bytes(), "deployed"), 2e-4);
    }

    /** The float tensor a layer's quantized input was made from: back from the layer through DQ, Q (and Clip). */
    private static String quantizedFrom(ModelProto m, String layer) {
        java.util.Map<String, NodeProto> producers = new java.util.HashMap<>();
        m.getGraph().getNodeList().forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
        NodeProto node = m.getGraph().getNodeList().stream().filter(n -> n.getName().equals(layer)).findFirst().orElseThrow();
        String t = node.getInput(0);
        while (producers.containsKey(t) && Set.of("DequantizeLinear", "QuantizeLinear", "DynamicQuantizeLinear", "Clip",
                "MatMulInteger", "DynamicQuantizeMatMul").contains(producers.get(t).getOpType())) {
            t = producers.get(t).getInput(0);
        }
        return t;
    }

    @Test
    void smoothingALayerThatReadsNoFoldableLayerNormIsRefusedByName() {
        GraphBuilder b = new GraphBuilder("ln_read_by_sigmoid").opset(13);
        String x = b.input("input", GraphBuilder.FLOAT, "batch", 4);
        String n = b.node("Add").name("/ln/Add_1").inputs(
                b.node("Mul").name("/ln/Mul").inputs(x, b.floatInitializer("ln.weight", new float[] {1, 5, 1, 1}, 4)).add(),
                b.floatInitializer("ln.bias", new float[] {0, 1, 0, 0}, 4)).add();
        b.node("MatMul").name("/fc/MatMul").inputs(n, b.heWeight("fc.weight", 4, 4, 3)).outputs("y").add();
        b.node("Sigmoid").name("/gate/Sigmoid").inputs(n).outputs("gate").add();
        b.output("y", GraphBuilder.FLOAT, "batch", 3);
        b.output("gate", GraphBuilder.FLOAT, "batch", 4);
        PreparedModel model = PreparedModel.of(new OnnxModel(b.build()));
        PlanEvaluator e = new PlanEvaluator(model, SampleSets.vectors(3, 16, 4), SampleSets.vectors(4, 16, 4),
                QuantizationOptions.defaults().withActivationMode(ActivationMode.STATIC), Metric.COSINE, RT, ProgressListener.NONE);
        QuantPlan plan = QuantPlan.of(java.util.Map.of("/fc/MatMul", dev.bitplan.contracts.plan.LayerChoice.of(8, 8).withSmoothed(true)));
        var ex = org.junit.jupiter.api.Assertions.assertThrows(dev.bitplan.engine.InvalidInputException.class, () -> e.evaluate(plan));
        assertTrue(ex.getMessage().contains("/fc/MatMul") && ex.getMessage().contains("Sigmoid"), ex.getMessage());
        assertTrue(e.quantizer().smoothableLayers().isEmpty());
    }
}
