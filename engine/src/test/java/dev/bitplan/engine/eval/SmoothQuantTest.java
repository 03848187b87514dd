package dev.bitplan.engine.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
        assertTrue(e.model().folded().proto().getGraph().getNodeList().stream()
                .anyMatch(n -> n.getOutput(0).equals(ln1.output() + SmoothQuantFolding.RESTORED_SUFFIX)),
                "the quantizer quantizes the smoothed model");
        // and the smoothing is real: the activation the MatMuls quantize has a narrower range than before
        assertTrue(absMax(r.model(), ln1.output()) < 0.5 * absMax(model, ln1.output()));
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
        assertTrue(exportedNodeWrites(exported, "/ln1/Add_1_output_0" + SmoothQuantFolding.RESTORED_SUFFIX), "the export is smoothed");
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
        assertTrue(r.notes().get(0).contains("0 LayerNorm outputs") && r.notes().get(0).contains("1 MatMul input left alone"), r.notes().toString());
        assertArrayEquals(model.foldedBytes(), r.model().foldedBytes(), "not one weight changed");
    }

    @Test
    void aSingleReaderWithoutResidualGetsNoExtraNode() {
        PreparedModel model = PreparedModel.of(new OnnxModel(TestModels.layerNormEncoder(true)));
        SmoothQuantPass.Result r = SmoothQuantPass.apply(model, SampleSets.sentences(7, 48, 12), 0.5, RT, ProgressListener.NONE);
        long added = r.model().folded().nodes().stream().filter(n -> n.getName().endsWith("/smoothquant/Mul")).count();
        assertEquals(1, added, "one Mul, for LayerNorm 1's residual reader only");
        NodeProto residual = r.model().folded().nodes().stream().filter(n -> n.getName().equals("/attn/residual/Add")).findFirst().orElseThrow();
        assertTrue(residual.getInput(0).endsWith(SmoothQuantFolding.RESTORED_SUFFIX), residual.toString());
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
}
