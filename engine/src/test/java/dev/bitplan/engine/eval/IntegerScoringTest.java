package dev.bitplan.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.contracts.plan.Simulation;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.metrics.MetricCalculator;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.qdq.WeightDataType;
import dev.bitplan.engine.runtime.QdqExecution;
import dev.bitplan.engine.runtime.RuntimeOptions;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plans are scored by default on their QDQ model run by ONNX Runtime's integer kernels
 * ({@link Simulation#INTEGER}); this checks, on the trained MNIST ResNet-8 and real digits, that this
 * scoring agrees with fake quantization, that a layer kept in float is measured in float, and when the
 * deployed metric may reuse the scored one.
 */
class IntegerScoringTest {

    /** Accuracy points the two simulations may differ by on 2,000 digits (one digit = 0.0005). */
    private static final double AGREEMENT = 0.002;

    private static PlanEvaluator integer;
    private static PlanEvaluator fakeQuant;
    private static QuantPlan floatMiddle;

    @BeforeAll
    static void load() {
        OnnxModel loaded = ModelLoader.load(Fixtures.file("mnist/resnet8_bn.onnx"));
        EvaluationSamples samples = EvaluationSamples.load(loaded, Fixtures.file("mnist/mnist_test.npz"),
                Fixtures.file("mnist/mnist_calib.npz"), 256, 3);
        PreparedModel model = PreparedModel.of(loaded);
        integer = new PlanEvaluator(model, samples.calibration(), samples.validation(), QuantizationOptions.defaults(),
                Metric.ACCURACY, RuntimeOptions.defaults(), ProgressListener.NONE);
        fakeQuant = new PlanEvaluator(model, samples.calibration(), samples.validation(),
                QuantizationOptions.defaults().withSimulation(Simulation.FAKE_QUANT), Metric.ACCURACY, RuntimeOptions.defaults(),
                ProgressListener.NONE);
        // layer1's first conv sits between two quantized layers
        floatMiddle = QuantPlan.uniform(8, 8).with(model.layers().get(1).name(), LayerChoice.FLOAT);
    }

    @Test
    void theDefaultScoringModelHasIntegerWeightsAndLetsOrtFuseThem() {
        Quantizer.ScoringModel scored = integer.scoringModel(QuantPlan.uniform(8, 8));
        assertEquals(QdqExecution.INTEGER_KERNELS, scored.runtime().qdq());
        assertEquals(Set.of(), floatConvWeights(scored.bytes()), "every conv reads a DequantizeLinear of integer weights");

        Quantizer.ScoringModel fake = fakeQuant.scoringModel(QuantPlan.uniform(8, 8));
        assertEquals(QdqExecution.AS_WRITTEN, fake.runtime().qdq());
        assertEquals(9, floatConvWeights(fake.bytes()).size(), "fake quantization keeps the 9 convs' weights float");
    }

    @Test
    void integerKernelsAndFakeQuantizationAgreeOnRealDigits() {
        QuantPlan mixed = QuantPlan.uniform(8, 8);
        List<String> names = integer.model().layers().stream().map(l -> l.name()).toList();
        for (int i = 0; i < names.size(); i += 2) {
            mixed = mixed.with(names.get(i), LayerChoice.of(4, 8));
        }
        for (QuantPlan plan : List.of(QuantPlan.uniform(8, 8), QuantPlan.uniform(4, 8), mixed, floatMiddle)) {
            double a = integer.evaluate(plan);
            double b = fakeQuant.evaluate(plan);
            assertEquals(b, a, AGREEMENT, "integer " + a + " vs fake quant " + b + " for " + plan);
        }
    }

    @Test
    void aLayerKeptInFloatIsScoredInFloatAndStaysFloatUnderOrtDefaults() throws Exception {
        byte[] scored = integer.scoringModel(floatMiddle).bytes();
        String floatLayer = integer.model().layers().get(1).name();
        // its input is no DequantizeLinear output: the stem leaves its output float for a float reader, so ORT's
        // WeightBiasQuantization (DQ -> Conv -> Q with float weights, on by default) has nothing to match
        ModelProto m = ModelProto.parseFrom(scored);
        NodeProto conv = m.getGraph().getNodeList().stream().filter(n -> n.getName().equals(floatLayer)).findFirst().orElseThrow();
        assertTrue(m.getGraph().getNodeList().stream().noneMatch(n -> n.getOpType().equals("DequantizeLinear")
                && n.getOutput(0).equals(conv.getInput(0))), "the float layer reads a float tensor");
        float[] fake = fakeQuant.simulatedOutputs(floatMiddle);
        float[] asScored = integer.run(scored, integer.quantizer().runtime().forIntegerScoring(), "test");
        float[] ortDefaults = integer.run(scored, integer.quantizer().runtime().forDeployment(), "test");
        double scoredDb = sqnr(asScored, fake);
        double defaultsDb = sqnr(ortDefaults, fake);
        assertEquals(scoredDb, defaultsDb, 0.01, "a deployment with ORT's default options computes what was scored");
        assertEquals(integer.evaluate(floatMiddle), integer.score(integer.export(floatMiddle).bytes(), "test"), 1e-12,
                "the exported model under ORT's defaults gives the scored metric");
        double allQuantizedDb = sqnr(integer.simulatedOutputs(QuantPlan.uniform(8, 8)), fakeQuant.simulatedOutputs(QuantPlan.uniform(8, 8)));
        assertTrue(scoredDb > allQuantizedDb - 2, "the float layer agrees as well as the all-8-bit plan does: " + scoredDb
                + " dB vs " + allQuantizedDb + " dB");
    }

    @Test
    void theDeployedMetricReusesTheScoredRunOnlyWhereTheDeploymentComputesTheSame() {
        QuantPlan w8 = QuantPlan.uniform(8, 8);
        Quantizer q = integer.quantizer();
        assertTrue(q.deploysAsScored(w8, integer.export(w8, WeightDataType.forHost()).bytes()));
        WeightDataType other = WeightDataType.forHost() == WeightDataType.INT8 ? WeightDataType.UINT8_SHIFTED : WeightDataType.INT8;
        assertFalse(q.deploysAsScored(w8, integer.export(w8, other).bytes()), "another weight storage is another model");
        assertFalse(q.deploysAsScored(floatMiddle, integer.export(floatMiddle).bytes()),
                "a plan with a float layer is run again as exported (the scoring session turns an ORT optimizer off)");
        assertFalse(fakeQuant.quantizer().deploysAsScored(w8, fakeQuant.export(w8).bytes()), "fake quantization is never the deployment");

        double scored = integer.evaluate(w8);
        assertEquals(scored, integer.deployedMetric(w8, integer.export(w8), scored, "deployed"), 0);
        double fakeScored = fakeQuant.evaluate(w8);
        double deployed = fakeQuant.deployedMetric(w8, fakeQuant.export(w8), fakeScored, "deployed");
        assertEquals(integer.score(integer.export(w8).bytes(), "deployed"), deployed, 0, "measured, not copied");
    }

    private static double sqnr(float[] out, float[] reference) {
        return MetricCalculator.score(Metric.SQNR, out, reference, null, 10);
    }

    /** Conv nodes whose weight input is a float initializer. */
    private static Set<String> floatConvWeights(byte[] model) {
        try {
            ModelProto m = ModelProto.parseFrom(model);
            Set<String> floats = m.getGraph().getInitializerList().stream()
                    .filter(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE).map(TensorProto::getName)
                    .collect(Collectors.toSet());
            return m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Conv") && floats.contains(n.getInput(1)))
                    .map(NodeProto::getName).collect(Collectors.toSet());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
