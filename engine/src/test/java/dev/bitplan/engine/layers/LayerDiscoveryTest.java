package dev.bitplan.engine.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.bitplan.contracts.plan.FusionMode;
import dev.bitplan.contracts.report.ModelInspection;
import dev.bitplan.contracts.report.ModelInspection.LayerInfo;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.eval.ModelInspector;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.onnx.ConstantFolder;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.testmodels.TestModels;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which nodes are quantizable layers, and what folds or fuses into each, on the fixtures and the test graphs. */
class LayerDiscoveryTest {

    private static final List<String> RESNET8_LAYERS = List.of(
            "/stem/stem.0/Conv", "/layer1/conv1/Conv", "/layer1/conv2/Conv", "/layer2/down/down.0/Conv",
            "/layer2/conv1/Conv", "/layer2/conv2/Conv", "/layer3/down/down.0/Conv", "/layer3/conv1/Conv",
            "/layer3/conv2/Conv", "/fc/Gemm");

    private static List<Layer> layers(OnnxModel model) {
        return LayerDiscovery.discover(ConstantFolder.fold(model));
    }

    private static Map<String, Layer> byName(List<Layer> layers) {
        return layers.stream().collect(Collectors.toMap(Layer::name, Function.identity()));
    }

    private static NodeProto node(OnnxModel m, String name) {
        return m.nodes().stream().filter(n -> OnnxModel.nodeName(n).equals(name)).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------ fixtures

    @ParameterizedTest
    @ValueSource(strings = {"mnist/resnet8_bn.onnx", "fashion/resnet8_fmnist.onnx"})
    void resnet8HasTenLayersWithTheirFusionPatterns(String fixture) {
        List<Layer> layers = layers(ModelLoader.load(Fixtures.file(fixture)));
        assertEquals(RESNET8_LAYERS, layers.stream().map(Layer::name).toList());
        for (Layer l : layers) {
            String expected;
            if (l.name().equals("/fc/Gemm")) {
                expected = "Gemm";
            } else if (l.name().contains("/down/") || l.name().endsWith("conv2/Conv")) {
                expected = "Conv+BN"; // the BN output feeds the residual Add, so no activation is fused
            } else {
                expected = "Conv+BN+Relu"; // stem and layerX.conv1
            }
            assertEquals(expected, l.pattern(), l.name());
        }
        Layer fc = byName(layers).get("/fc/Gemm");
        assertEquals(LayerKind.GEMM, fc.kind());
        assertEquals("fc.bias", fc.bias());
        assertEquals(10, fc.outputChannels());
        assertEquals(List.of(FusionMode.FUSED, FusionMode.FOLD_BN, FusionMode.UNFUSED), layers.get(0).fusionModes());
        assertEquals(List.of(FusionMode.FUSED, FusionMode.UNFUSED), byName(layers).get("/layer1/conv2/Conv").fusionModes());
        assertEquals(List.of(FusionMode.FUSED), fc.fusionModes());
        assertTrue(layers.stream().filter(l -> l.kind() == LayerKind.CONV).allMatch(l -> l.bias() == null && l.hasBatchNorm()),
                "fixture convs have no bias of their own and a BN each");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mnist/resnet8_bn.onnx", "fashion/resnet8_fmnist.onnx"})
    void resnet8HasTheReadmeWeightCount(String fixture) {
        long params = layers(ModelLoader.load(Fixtures.file(fixture))).stream().mapToLong(Layer::params).sum();
        assertEquals(77_072, params, "fixture README: 9 Conv + 1 Gemm, 77,072 weights");
    }

    @Test
    void resnet8MacsMatchTheConvolutionFormula() {
        OnnxModel model = ModelLoader.load(Fixtures.file("mnist/resnet8_bn.onnx"));
        ModelInspection inspection = ModelInspector.inspect(model);
        Map<String, LayerInfo> info = inspection.layers().stream().collect(Collectors.toMap(LayerInfo::name, Function.identity()));
        assertEquals(RESNET8_LAYERS, inspection.layers().stream().map(LayerInfo::name).toList());
        // spatial size from the node attributes: 28x28 input, H_out = (H + 2p - k) / s + 1
        int size = 28;
        for (String name : RESNET8_LAYERS) {
            LayerInfo l = info.get(name);
            List<Long> w = l.weightShape();
            if (l.kind().equals("GEMM")) {
                assertEquals(w.get(0) * w.get(1), l.macs(), name + ": N x K");
                continue;
            }
            NodeProto conv = node(model, name);
            long stride = OnnxModel.intsAttribute(conv, "strides")[0];
            long kernel = w.get(2);
            long pad = OnnxModel.intsAttribute(conv, "pads")[0];
            // a stage's shortcut conv comes first in graph order and reads the stage input, as conv1 does
            int out = (int) ((size + 2 * pad - kernel) / stride + 1);
            // Cout x H x W x Cin x k x k (group 1)
            long expected = w.get(0) * out * out * w.get(1) * kernel * kernel;
            assertEquals(expected, l.macs(), name);
            if (!name.contains("/down/")) {
                size = out;
            }
        }
        assertEquals(16L * 28 * 28 * 1 * 3 * 3, info.get("/stem/stem.0/Conv").macs(), "stem by hand: 112,896");
        assertEquals(64L * 7 * 7 * 64 * 3 * 3, info.get("/layer3/conv2/Conv").macs(), "last conv by hand at 7x7");
        assertEquals(32L * 14 * 14 * 16, info.get("/layer2/down/down.0/Conv").macs(), "1x1 stride-2 shortcut at 14x14");
        assertEquals(77_072, inspection.layers().stream().mapToLong(LayerInfo::params).sum());
        assertTrue(inspection.blockers().isEmpty(), inspection.blockers().toString());
    }

    // ------------------------------------------------------------------ small CNN

    @Test
    void smallCnnKindsAxesAndGroups() {
        OnnxModel model = new OnnxModel(TestModels.smallCnn(13));
        List<Layer> layers = layers(model);
        assertEquals(TestModels.CNN_LAYERS, layers.stream().map(Layer::name).toList());
        assertEquals(List.of(LayerKind.CONV, LayerKind.CONV, LayerKind.CONV, LayerKind.CONV_TRANSPOSE, LayerKind.CONV,
                LayerKind.GEMM), layers.stream().map(Layer::kind).toList());
        Map<String, Layer> l = byName(layers);

        Layer dw = l.get("/features/dwconv/Conv");
        assertEquals(8, OnnxModel.intAttribute(node(model, dw.name()), "group", 1), "depthwise: group = channels");
        assertArrayEquals(new long[] {8, 1, 3, 3}, dw.weightDims());
        assertEquals(0, dw.channelAxis());
        assertEquals(8, dw.outputChannels());

        Layer pw = l.get("/features/pwconv/Conv");
        assertEquals(2, OnnxModel.intAttribute(node(model, pw.name()), "group", 1), "grouped conv");
        assertArrayEquals(new long[] {8, 4, 1, 1}, pw.weightDims());
        assertEquals(8, pw.outputChannels());

        Layer up = l.get("/features/up/ConvTranspose");
        assertArrayEquals(new long[] {8, 4, 2, 2}, up.weightDims());
        assertEquals(1, up.channelAxis(), "ConvTranspose weight is [Cin, Cout/g, k, k]");
        assertEquals(4, up.outputChannels());

        Layer gemm = l.get("/classifier/Gemm");
        assertEquals(0, gemm.channelAxis(), "transB=1: weight [N, K]");
        assertEquals(TestModels.CNN_CLASSES, gemm.outputChannels());
        assertEquals("classifier.bias", gemm.bias());
        assertNull(gemm.biasAddNode(), "the bias is Gemm's own input");
    }

    @Test
    void smallCnnFusionModesFollowThePattern() {
        Map<String, Layer> l = byName(layers(new OnnxModel(TestModels.smallCnn(13))));
        List<FusionMode> all = List.of(FusionMode.FUSED, FusionMode.FOLD_BN, FusionMode.UNFUSED);
        List<FusionMode> two = List.of(FusionMode.FUSED, FusionMode.UNFUSED);
        List<FusionMode> one = List.of(FusionMode.FUSED);
        assertEquals("Conv+BN+Relu", l.get("/features/conv1/Conv").pattern());
        assertEquals(all, l.get("/features/conv1/Conv").fusionModes());
        assertEquals("Conv+BN+Clip", l.get("/features/dwconv/Conv").pattern());
        assertEquals(all, l.get("/features/dwconv/Conv").fusionModes());
        assertEquals("Conv+Relu", l.get("/features/pwconv/Conv").pattern());
        assertEquals(two, l.get("/features/pwconv/Conv").fusionModes());
        assertEquals("ConvTranspose+Relu", l.get("/features/up/ConvTranspose").pattern());
        assertEquals(two, l.get("/features/up/ConvTranspose").fusionModes());
        assertEquals("Conv", l.get("/features/down/Conv").pattern());
        assertEquals(one, l.get("/features/down/Conv").fusionModes());
        assertEquals("Gemm", l.get("/classifier/Gemm").pattern());
        assertEquals(one, l.get("/classifier/Gemm").fusionModes());

        Layer conv1 = l.get("/features/conv1/Conv");
        assertEquals("/features/bn1/BatchNormalization", conv1.batchNormNode());
        assertEquals(conv1.groupOutput(), conv1.quantizedOutput(FusionMode.FUSED));
        assertEquals(conv1.normalizedOutput(), conv1.quantizedOutput(FusionMode.FOLD_BN));
        assertEquals(conv1.rawOutput(), conv1.quantizedOutput(FusionMode.UNFUSED));
        assertTrue(conv1.foldsBatchNorm(FusionMode.FOLD_BN) && !conv1.foldsBatchNorm(FusionMode.UNFUSED));
    }

    @Test
    void smallCnnAtOpsetNineAttachesAttributeClip() {
        // before opset 11 Clip limits are attributes; the Clip still fuses
        Layer dw = byName(layers(new OnnxModel(TestModels.smallCnn(9)))).get("/features/dwconv/Conv");
        assertEquals("Clip", dw.activationOp());
    }

    // ------------------------------------------------------------------ transformer-like

    @Test
    void transformerHasOneGatherAndThreeMatMuls() {
        List<Layer> layers = layers(new OnnxModel(TestModels.transformerLike(13, false)));
        assertEquals(TestModels.TRANSFORMER_LAYERS, layers.stream().map(Layer::name).toList());
        assertEquals(List.of(LayerKind.GATHER, LayerKind.MATMUL, LayerKind.MATMUL, LayerKind.MATMUL),
                layers.stream().map(Layer::kind).toList());
        assertFalse(layers.stream().anyMatch(l -> l.name().equals("/flatten/Gather")),
                "a Gather on a Shape output is index arithmetic, not an embedding");
        Layer embed = layers.get(0);
        assertEquals("embed.weight", embed.weight());
        assertNull(embed.input(), "a Gather's input is indices, not an activation");
        assertEquals(TestModels.VOCAB, embed.outputChannels(), "one scale per embedding row");
        assertFalse(embed.kind().quantizesActivations());
    }

    @Test
    void transformerBiasAddsAndConstantClipJoinTheirLayers() {
        Map<String, Layer> l = byName(layers(new OnnxModel(TestModels.transformerLike(13, false))));
        Layer fc1 = l.get("/mlp/fc1/MatMul");
        assertEquals("mlp.fc1.bias", fc1.bias());
        assertEquals("/mlp/fc1/Add", fc1.biasAddNode());
        assertEquals("Relu", fc1.activationOp());
        assertEquals("MatMul+Add+Relu", fc1.pattern());
        assertArrayEquals(new long[] {TestModels.HIDDEN, TestModels.FF}, fc1.weightDims(), "transposed at fold time");
        assertEquals(1, fc1.channelAxis());

        Layer fc2 = l.get("/mlp/fc2/MatMul");
        assertEquals("mlp.fc2.bias", fc2.bias());
        assertEquals("/mlp/fc2/Add", fc2.biasAddNode());
        assertEquals("/act/Clip", fc2.activationNode(), "Clip with Constant-node limits fuses once the limits are folded");
        assertEquals("Clip", fc2.activationOp());
        assertEquals("/mlp/fc2/Add_output_0", fc2.biasedOutput());
        assertEquals("/act/Clip_output_0", fc2.groupOutput());
        assertEquals(List.of(FusionMode.FUSED, FusionMode.UNFUSED), fc2.fusionModes(), "MatMul never folds a BN");

        Layer head = l.get("/head/MatMul");
        assertNull(head.bias());
        assertEquals("logits", head.groupOutput(), "a graph output ends the group");
    }

    @Test
    void withoutFoldingTheTransposedAndReshapedWeightsAreSkippedWithAReason() {
        OnnxModel raw = new OnnxModel(TestModels.transformerLike(13, false));
        List<String> names = LayerDiscovery.discover(raw).stream().map(Layer::name).toList();
        assertEquals(List.of("/embed/Gather", "/head/MatMul"), names);
        List<String> skipped = LayerDiscovery.skippedCandidates(raw);
        assertEquals(2, skipped.size(), skipped.toString());
        assertTrue(skipped.get(0).startsWith("/mlp/fc1/MatMul") && skipped.get(0).contains("not a constant"), skipped.get(0));
        assertTrue(PreparedModel.of(raw).skipped().isEmpty(), "PreparedModel folds first, so nothing is skipped");
    }

    // ------------------------------------------------------------------ MLP chain

    @Test
    void mlpChainOfTenHasTenLayers() {
        List<Layer> layers = layers(new OnnxModel(TestModels.mlpChain(10)));
        assertEquals(TestModels.mlpChainLayers(10), layers.stream().map(Layer::name).toList());
        for (int i = 0; i < 10; i++) {
            Layer l = layers.get(i);
            boolean gemm = i % 2 == 0;
            assertEquals(gemm ? LayerKind.GEMM : LayerKind.MATMUL, l.kind(), l.name());
            assertEquals("layers." + i + ".bias", l.bias(), l.name());
            assertEquals(gemm ? null : "/layers." + i + "/Add", l.biasAddNode(), l.name());
            assertEquals(i < 9, l.hasActivation(), l.name());
            assertEquals(i < 9 ? TestModels.MLP_WIDTH : TestModels.MLP_CLASSES, l.outputChannels(), l.name());
        }
    }
}
