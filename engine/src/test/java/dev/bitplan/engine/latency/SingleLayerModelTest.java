package dev.bitplan.engine.latency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.bitplan.contracts.plan.FusionMode;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.data.DType;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.eval.EvaluationSamples;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerKind;
import dev.bitplan.engine.onnx.GraphOutputs;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import dev.bitplan.engine.qdq.ActivationParams;
import dev.bitplan.engine.qdq.QuantizedWeightCache;
import dev.bitplan.engine.qdq.SampleSets;
import dev.bitplan.engine.qdq.WeightDataType;
import dev.bitplan.engine.runtime.OrtModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.runtime.TensorValue;
import dev.bitplan.engine.testmodels.GraphBuilder;
import dev.bitplan.engine.testmodels.TestModels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The extraction is faithful: each single-layer float model, fed the probed input, gives the full model's
 * intermediate group output on the same sample; its quantized forms run and stay close to it.
 */
class SingleLayerModelTest {

    /** As the probe runs: one thread, basic optimization, so both sides use the same kernels. */
    private static final RuntimeOptions RT = new RuntimeOptions(1, false);
    private static final double REL_TOL = 1e-5;

    @Test
    void smallCnnGroupsMatchTheFullModel() {
        PreparedModel model = PreparedModel.of(new OnnxModel(TestModels.smallCnn(13)));
        SampleSet calib = SampleSets.images(1, 32);
        assertFaithful(model, SampleSets.images(2, 4).inputs(), calib);
    }

    @Test
    void mnistGroupsMatchTheFullModel() {
        OnnxModel loaded = ModelLoader.load(Fixtures.file("mnist/resnet8_bn.onnx"));
        EvaluationSamples samples = EvaluationSamples.load(loaded, Fixtures.file("mnist/mnist_test.npz"),
                Fixtures.file("mnist/mnist_calib.npz"), 256, 7);
        PreparedModel model = PreparedModel.of(loaded);
        assertEquals(10, model.layers().size());
        assertFaithful(model, samples.validation().inputs(), samples.calibration());
    }

    @Test
    void transformerGatherAndMatMulsMatchTheFullModel() {
        PreparedModel model = PreparedModel.of(new OnnxModel(TestModels.transformerLike(13, false)));
        assertEquals(LayerKind.GATHER, model.layers().get(0).kind());
        assertFaithful(model, SampleSets.tokens(4, 3).inputs(), SampleSets.tokens(3, 32));
        SingleLayerModel gather = SingleLayerModel.extract(model, model.layers().get(0), SampleSets.tokens(4, 3).inputs());
        assertEquals("tokens", gather.inputName());
        assertEquals(DType.INT64, gather.input().dtype());
        assertArrayEquals(new long[] {1, TestModels.SEQ}, gather.input().shape());
    }

    @Test
    void fixedBatchOneModelStillMeasuresAtBatchFour() {
        PreparedModel model = PreparedModel.of(new OnnxModel(TestModels.transformerLike(13, true)));
        Map<String, SingleLayerModel> all = SingleLayerModel.extractAll(model, SampleSets.tokens(4, 3).inputs());
        for (SingleLayerModel s : all.values()) {
            try (OrtModel ort = OrtModel.load(s.floatModel().proto().toByteArray(), RT)) {
                TensorValue one = ort.run(s.inputs(1), Set.of(s.outputName())).get(s.outputName());
                TensorValue four = ort.run(s.inputs(4), Set.of(s.outputName())).get(s.outputName());
                assertEquals(4 * one.data().length, four.data().length, s.layer().name());
                for (int i = 0; i < four.data().length; i++) {
                    assertEquals(one.data()[i % one.data().length], four.data()[i], 1e-6, s.layer().name());
                }
            }
        }
    }

    @Test
    void gatherOnComputedIndicesGetsZeroIndicesOfTheProbedShape() {
        GraphBuilder b = new GraphBuilder("computed_indices").opset(13).seed(5);
        String tokens = b.input("tokens", GraphBuilder.INT64, "batch", 6);
        String one = b.int64Initializer("one", new long[] {1}, 1);
        String shifted = b.node("Add").name("/shift/Add").inputs(tokens, one).add();
        String table = b.normalInitializer("embed.weight", 0.0, 1.0, 20, 4);
        b.node("Gather").name("/embed/Gather").inputs(table, shifted).attrInt("axis", 0).outputs("emb").add();
        b.output("emb", GraphBuilder.FLOAT, "batch", 6, 4);
        PreparedModel model = PreparedModel.of(new OnnxModel(b.build()));
        Layer gather = model.layers().get(0);
        NdArray tok = NdArray.ofLongs("tokens", DType.INT64, new long[] {2, 6}, new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        SingleLayerModel s = SingleLayerModel.extract(model, gather, Map.of("tokens", tok));
        assertEquals(shifted, s.inputName());
        assertArrayEquals(new long[] {1, 6}, s.input().shape());
        assertArrayEquals(new long[6], s.input().toLongArray());
        try (OrtModel ort = OrtModel.load(s.build(LayerChoice.of(8, 8), QuantizationOptions.defaults(),
                new QuantizedWeightCache(model.folded(), QuantizationOptions.defaults()), noCalibration()).toByteArray(), RT.forDeployment())) {
            assertArrayEquals(new long[] {3, 6, 4}, ort.run(s.inputs(3), Set.of("emb")).get("emb").shape());
        }
    }

    /**
     * For every layer: float output == full model's group output (1e-5 of the output's max |value|); w8a8 and
     * w4a8 (and each fusion mode the pattern offers) build as deployable models, run, and stay near float.
     */
    private static void assertFaithful(PreparedModel model, Map<String, NdArray> inputs, SampleSet calibration) {
        QuantizationOptions options = QuantizationOptions.defaults();
        ActivationParams acts = LatencyTableBuilder.calibrate(model, calibration, options, RT, ProgressListener.NONE);
        QuantizedWeightCache weights = new QuantizedWeightCache(model.folded(), options);
        Map<String, SingleLayerModel> extracted = SingleLayerModel.extractAll(model, inputs);
        assertEquals(model.layers().stream().map(Layer::name).toList(), List.copyOf(extracted.keySet()));

        Set<String> groupOutputs = model.layers().stream().map(Layer::groupOutput).collect(Collectors.toSet());
        Map<String, NdArray> first = new LinkedHashMap<>();
        for (Map.Entry<String, NdArray> e : inputs.entrySet()) {
            first.put(e.getKey(), e.getValue().selectSamples(new int[] {0}));
        }
        Map<String, TensorValue> full;
        try (OrtModel ort = OrtModel.load(GraphOutputs.withOutputs(model.folded(), groupOutputs).toByteArray(), RT)) {
            full = ort.run(first, groupOutputs);
        }
        for (Layer layer : model.layers()) {
            SingleLayerModel s = extracted.get(layer.name());
            ModelProto floatProto = s.floatModel().proto();
            assertEquals(1, floatProto.getGraph().getInputCount(), layer.name());
            assertEquals(layer.groupOutput(), floatProto.getGraph().getOutput(0).getName());
            Set<String> ops = floatProto.getGraph().getNodeList().stream().map(NodeProto::getName).collect(Collectors.toSet());
            assertEquals(1 + (layer.biasAddNode() != null ? 1 : 0) + (layer.hasBatchNorm() ? 1 : 0) + (layer.hasActivation() ? 1 : 0),
                    ops.size(), layer.name() + " holds its whole group and nothing else: " + ops);

            float[] single = run(floatProto, s, RT);
            float[] expected = full.get(layer.groupOutput()).data();
            assertArrayEquals(full.get(layer.groupOutput()).shape(), shape(floatProto, s, RT), layer.name());
            double err = maxAbsDiff(single, expected) / Math.max(maxAbs(expected), 1e-12);
            assertTrue(err <= REL_TOL, layer.name() + ": single-layer output differs from the full model's by " + err);

            List<LayerChoice> choices = new ArrayList<>(List.of(LayerChoice.of(8, 8), LayerChoice.of(4, 8)));
            for (FusionMode mode : layer.fusionModes()) {
                if (mode != FusionMode.FUSED) {
                    choices.add(LayerChoice.of(8, 8, mode));
                }
            }
            for (LayerChoice choice : choices) {
                ModelProto q = s.build(choice, options, weights, acts, WeightDataType.forHost());
                // behind a DequantizeLinear, read by MatMulInteger, or gathered as integer rows
                assertTrue(q.getGraph().getInitializerList().stream().anyMatch(t -> t.getDataType() == Tensors.INT8
                                || t.getDataType() == Tensors.UINT8 || t.getDataType() == Tensors.INT4),
                        layer.name() + " " + choice.label() + " has a quantized weight");
                float[] out = run(q, s, RT.forDeployment());
                assertEquals(expected.length, out.length);
                double rel = rms(diff(out, expected)) / Math.max(rms(expected), 1e-12);
                double limit = choice.weightBits() == 8 ? 0.1 : 0.5;
                assertTrue(rel < limit, layer.name() + " " + choice.label() + " relative RMS error " + rel);
            }
        }
    }

    private static ActivationParams noCalibration() {
        return (t, bits) -> {
            throw new IllegalStateException("a Gather reads no calibrated activation");
        };
    }

    private static float[] run(ModelProto m, SingleLayerModel s, RuntimeOptions rt) {
        try (OrtModel ort = OrtModel.load(m.toByteArray(), rt)) {
            return ort.run(s.inputs(1), Set.of(s.outputName())).get(s.outputName()).data();
        }
    }

    private static long[] shape(ModelProto m, SingleLayerModel s, RuntimeOptions rt) {
        try (OrtModel ort = OrtModel.load(m.toByteArray(), rt)) {
            return ort.run(s.inputs(1), Set.of(s.outputName())).get(s.outputName()).shape();
        }
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(b.length, a.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static float[] diff(float[] a, float[] b) {
        float[] d = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    private static double rms(float[] a) {
        double s = 0;
        for (float v : a) {
            s += (double) v * v;
        }
        return Math.sqrt(s / Math.max(1, a.length));
    }
}
