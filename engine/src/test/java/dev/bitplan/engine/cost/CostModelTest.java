package dev.bitplan.engine.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.FusionMode;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ShapeProbe;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerKind;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.testmodels.TestModels;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Model size and bit operations of plans on the small CNN, checked against hand arithmetic. */
class CostModelTest {

    private static PreparedModel model;
    private static Map<String, Long> macs;
    private static CostModel cost;

    @BeforeAll
    static void prepare() {
        model = PreparedModel.of(new OnnxModel(TestModels.smallCnn(13)));
        macs = ShapeProbe.macs(model, ShapeProbe.syntheticSample(model.folded()));
        cost = new CostModel(model.folded(), model.layers(), macs, true);
    }

    private static Layer layer(String name) {
        return model.layer(name);
    }

    @Test
    void fp32SizeIsTheSumOfInitializerBytes() {
        long bytes = 0;
        for (TensorProto t : model.folded().graph().getInitializerList()) {
            assertEquals(TensorProto.DataType.FLOAT_VALUE, t.getDataType(), t.getName());
            bytes += t.getRawData().size();
        }
        assertEquals(bytes, cost.fp32Bytes());
        // weights 216+72+32+128+288+40, biases 8+8+4+5, two BNs 2*4*8, Clip limits 2: 867 floats
        assertEquals(867 * 4, cost.fp32Bytes());
    }

    @Test
    void allFloatPlanCostsExactlyTheFp32Size() {
        assertEquals(cost.fp32Bytes(), cost.sizeBytes(QuantPlan.of(Map.of())));
    }

    @Test
    void fewerBitsMeanFewerBytes() {
        long fp32 = cost.fp32Bytes();
        long w8 = cost.sizeBytes(QuantPlan.uniform(8, 8));
        long w4 = cost.sizeBytes(QuantPlan.uniform(4, 8));
        assertTrue(w8 < fp32, w8 + " vs " + fp32);
        assertTrue(w4 < w8, w4 + " vs " + w8);
        // halving the bits of every weight saves exactly half the weight bytes (all counts are even)
        long params = model.layers().stream().mapToLong(Layer::params).sum();
        assertEquals(params / 2, w8 - w4);
    }

    @Test
    void layerBytesByHand() {
        Layer conv1 = layer("/features/conv1/Conv"); // [8, 3, 3, 3] with bias [8] and a BN
        assertEquals(216, conv1.params());
        // fused: 216 int8 weights + 8 float scales + 8 float folded biases; the BN is gone
        assertEquals(216 + 4 * 8 + 4 * 8, cost.layerBytes(conv1, LayerChoice.of(8, 8)));
        // 4-bit packs two per byte
        assertEquals(108 + 4 * 8 + 4 * 8, cost.layerBytes(conv1, LayerChoice.of(4, 8)));
        // unfused keeps the bias and the BN's four vectors in float
        assertEquals(216 + 4 * 8 + 4 * 8 + 4 * 4 * 8, cost.layerBytes(conv1, LayerChoice.of(8, 8, FusionMode.UNFUSED)));
        assertEquals(216 + 4 * 8 + 4 * 8, cost.layerBytes(conv1, LayerChoice.of(8, 8, FusionMode.FOLD_BN)));

        Layer down = layer("/features/down/Conv"); // [8, 4, 3, 3], no bias, no BN
        assertEquals(144 + 4 * 8, cost.layerBytes(down, LayerChoice.of(4, 8)));
        assertEquals(144 + 4 * 8, cost.layerBytes(down, LayerChoice.of(4, 8, FusionMode.UNFUSED)), "an unoffered mode falls back to FUSED");

        Layer up = layer("/features/up/ConvTranspose"); // [8, 4, 2, 2]: 4 output channels on axis 1
        assertEquals(128 + 4 * 4 + 4 * 4, cost.layerBytes(up, LayerChoice.of(8, 8)));
    }

    @Test
    void oddWeightCountRoundsUpAtFourBits() {
        // a Gemm with weight [5, 3] (transB=1): 15 weights take 7.5 bytes, stored as 8
        Layer odd = new Layer("/odd/Gemm", LayerKind.GEMM, "odd.weight", new long[] {5, 3}, 0, "x", "odd.bias", null, null,
                null, null, "y", "y", "y", "y");
        assertEquals(8 + 4 * 5 + 4 * 5, cost.layerBytes(odd, LayerChoice.of(4, 8)));
        assertEquals(15 + 4 * 5 + 4 * 5, cost.layerBytes(odd, LayerChoice.of(8, 8)));
    }

    @Test
    void perTensorScalesCostFourBytesPerLayer() {
        CostModel perTensor = new CostModel(model.folded(), model.layers(), macs, false);
        Layer conv1 = layer("/features/conv1/Conv");
        assertEquals(216 + 4 + 4 * 8, perTensor.layerBytes(conv1, LayerChoice.of(8, 8)));
        long saved = cost.sizeBytes(QuantPlan.uniform(8, 8)) - perTensor.sizeBytes(QuantPlan.uniform(8, 8));
        long channels = model.layers().stream().mapToLong(Layer::outputChannels).sum();
        assertEquals(4 * (channels - model.layers().size()), saved);
    }

    @Test
    void blockWiseScalesCostFourBytesPerBlockAndColumnAndTheirLayersAreWeightOnly() {
        PreparedModel encoder = PreparedModel.of(ModelLoader.parse(TestModels.tokenEncoder().toByteArray(), "token-encoder"));
        Map<String, Long> encoderMacs = ShapeProbe.macs(encoder, ShapeProbe.syntheticSample(encoder.folded()));
        CostModel blocks = new CostModel(encoder.folded(), encoder.layers(), encoderMacs, true, 32);
        // a MatMul weight [K = 256, N = 16], no bias: 8 blocks x 16 columns of scales at 4 bits, per channel at 8
        Layer wide = new Layer("/wide/MatMul", LayerKind.MATMUL, "wide.weight", new long[] {256, 16}, 1, "x", null, null, null,
                null, null, "y", "y", "y", "y");
        assertEquals(256 * 16 / 2 + 4 * 8 * 16, blocks.layerBytes(wide, LayerChoice.of(4, 8)));
        assertEquals(256 * 16 + 4 * 16, blocks.layerBytes(wide, LayerChoice.of(8, 8)));
        Layer ffnIn = encoder.layer("/ffn/in/MatMul"); // K = 16: not a multiple of 32, per channel
        assertEquals(16 * 32 / 2 + 4 * 32 + 4 * 32, blocks.layerBytes(ffnIn, LayerChoice.of(4, 8)));

        Layer ffnOut = encoder.layer("/ffn/out/MatMul"); // K = 32: one block per column
        long m = blocks.macs(ffnOut);
        assertEquals(m * 4 * 32, blocks.layerBops(ffnOut, LayerChoice.of(4, 8), ActivationMode.AUTO), "float activations");
        assertEquals(m * 8 * 8, blocks.layerBops(ffnOut, LayerChoice.of(8, 8), ActivationMode.AUTO));
    }

    @Test
    void floatChoiceCountsFourBytesPerWeightPlusBiasAndBn() {
        LayerChoice f = LayerChoice.FLOAT;
        assertEquals(4 * 216 + 4 * 8 + 4 * 4 * 8, cost.layerBytes(layer("/features/conv1/Conv"), f));
        assertEquals(4 * 72 + 4 * 4 * 8, cost.layerBytes(layer("/features/dwconv/Conv"), f), "no bias, a BN");
        assertEquals(4 * 40 + 4 * 5, cost.layerBytes(layer("/classifier/Gemm"), f), "bias, no BN");
        assertEquals(4 * 288, cost.layerBytes(layer("/features/down/Conv"), f), "neither");
    }

    @Test
    void macsMatchTheShapes() {
        assertEquals(8L * 16 * 16 * 3 * 3 * 3, macs.get("/features/conv1/Conv"), "Cout x H x W x Cin x k x k");
        assertEquals(8L * 16 * 16 * 1 * 3 * 3, macs.get("/features/dwconv/Conv"), "depthwise: Cin / g = 1");
        assertEquals(8L * 16 * 16 * 4, macs.get("/features/pwconv/Conv"), "group 2: Cin / g = 4");
        assertEquals(8L * 16 * 16 * 4 * 2 * 2, macs.get("/features/up/ConvTranspose"), "each input value feeds Cout x k x k");
        assertEquals(8L * 16 * 16 * 4 * 3 * 3, macs.get("/features/down/Conv"), "stride 2 from 32 x 32 to 16 x 16");
        assertEquals(5L * 8, macs.get("/classifier/Gemm"));
    }

    @Test
    void bopsAreMacsTimesWeightBitsTimesActivationBits() {
        Layer conv1 = layer("/features/conv1/Conv");
        long m = macs.get(conv1.name());
        assertEquals(m, cost.macs(conv1));
        assertEquals(m * 4 * 8, cost.layerBops(conv1, LayerChoice.of(4, 8), ActivationMode.STATIC));
        assertEquals(m * 8 * 8, cost.layerBops(conv1, LayerChoice.of(8, 8), ActivationMode.DYNAMIC));
        assertEquals(m * 4 * 32, cost.layerBops(conv1, LayerChoice.of(4, 8), ActivationMode.WEIGHT_ONLY), "float activations");
        assertEquals(m * 32 * 32, cost.layerBops(conv1, LayerChoice.FLOAT, ActivationMode.STATIC));

        long totalMacs = macs.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(totalMacs * 64, cost.bops(QuantPlan.uniform(8, 8), ActivationMode.STATIC));
        assertEquals(totalMacs * 32, cost.bops(QuantPlan.uniform(4, 8), ActivationMode.STATIC));
        assertEquals(totalMacs * 1024, cost.bops(QuantPlan.of(Map.of()), ActivationMode.STATIC));
        QuantPlan mixed = QuantPlan.uniform(8, 8).with(conv1.name(), LayerChoice.of(4, 8));
        assertEquals(totalMacs * 64 - m * 32, cost.bops(mixed, ActivationMode.STATIC));
    }
}
