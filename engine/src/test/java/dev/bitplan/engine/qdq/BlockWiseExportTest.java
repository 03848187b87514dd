package dev.bitplan.engine.qdq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.contracts.plan.Simulation;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import dev.bitplan.engine.runtime.OrtModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.testmodels.TestModels;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Block-wise 4-bit MatMul weights on the BERT-shaped {@link TestModels#tokenEncoder} (brought to opset 21 on load, as
 * every model is): which ops each weight granularity exports, that ONNX Runtime turns the block-wise form into its
 * MatMulNBits kernel, and that the scoring model and the fake-quant simulation compute the same. The encoder's MatMuls
 * are [16, 32] (/ffn/in), [32, 16] (/ffn/out) and [16, 16] (/head): at block size 32 only /ffn/out's K divides.
 */
class BlockWiseExportTest {

    private static final RuntimeOptions RT = new RuntimeOptions(1, true);
    private static final PreparedModel MODEL =
            PreparedModel.of(ModelLoader.parse(TestModels.tokenEncoder().toByteArray(), "token-encoder"));
    private static final String BLOCKED = "/ffn/out/MatMul";
    private static final QuantPlan W4 = QuantPlan.uniform(4, 8);

    private static PlanEvaluator evaluator(QuantizationOptions options) {
        return evaluator(options, RT);
    }

    private static PlanEvaluator evaluator(QuantizationOptions options, RuntimeOptions runtime) {
        return new PlanEvaluator(MODEL, SampleSets.sentences(7, 48, 12), SampleSets.sentences(8, 40, 12), options,
                Metric.SENTENCE_COSINE, runtime, ProgressListener.NONE);
    }

    private static Map<String, Long> opCounts(ModelProto m) {
        return new TreeMap<>(m.getGraph().getNodeList().stream()
                .collect(Collectors.groupingBy(n -> n.getDomain().isEmpty() ? n.getOpType() : n.getDomain() + "." + n.getOpType(),
                        Collectors.counting())));
    }

    private static Map<String, TensorProto> initializers(ModelProto m) {
        return m.getGraph().getInitializerList().stream().collect(Collectors.toMap(TensorProto::getName, Function.identity()));
    }

    private static List<NodeProto> weightDequantizers(ModelProto m) {
        Map<String, TensorProto> inits = initializers(m);
        return m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("DequantizeLinear"))
                .filter(n -> n.getInput(0).endsWith("_w4_int") && inits.containsKey(n.getInput(0))).toList();
    }

    private static Optional<Long> intAttr(NodeProto n, String name) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).map(a -> a.getI()).findFirst();
    }

    private static NodeProto producer(ModelProto m, String tensor) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getOutputList().contains(tensor)).findFirst().orElseThrow();
    }

    private static NodeProto node(ModelProto m, String name) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void exportOpTypesPerGranularity() {
        assertEquals(21, MODEL.folded().opset());
        ModelProto perChannel = evaluator(QuantizationOptions.defaults()).exportDeployed(W4);
        ModelProto perTensor = evaluator(QuantizationOptions.defaults().withPerChannel(false)).exportDeployed(W4);
        PlanEvaluator blockEval = evaluator(QuantizationOptions.defaults().withWeightBlockSize(32));
        ModelProto block = blockEval.exportDeployed(W4);

        // per channel and per tensor: /ffn/out reads dynamically quantized activations, written as ONNX Runtime's dynamic
        // quantizer writes it (MatMulInteger on int8 weights), with 16 weight scales or one
        for (ModelProto m : List.of(perChannel, perTensor)) {
            NodeProto matMul = node(m, BLOCKED);
            assertEquals("MatMulInteger", matMul.getOpType());
            assertEquals("DynamicQuantizeLinear", producer(m, matMul.getInput(0)).getOpType(), "a quantized input");
            String weight = matMul.getInput(1);
            assertEquals(Tensors.INT8, initializers(m).get(weight).getDataType());
            long[] scaleDims = Tensors.dims(initializers(m).get(weight.replaceFirst("_int$", "_scale")));
            assertArrayEquals(m == perChannel ? new long[] {16} : new long[0], scaleDims);
            assertTrue(weightDequantizers(m).stream().noneMatch(n -> intAttr(n, "block_size").isPresent()));
            // /ffn/in, whose output /ffn/out reads as an integer, stays a QDQ MatMul: quantized input, weight and output
            assertEquals("DequantizeLinear", producer(m, node(m, "/ffn/in/MatMul").getInput(0)).getOpType(), opCounts(m).toString());
        }

        // block-wise: /ffn/out's weight is packed int4 [32, 16] behind DequantizeLinear(axis 0, block_size 32) with scales
        // [1, 16] and no zero point, and the MatMul reads its float input as it is (weight-only)
        List<NodeProto> blocked = weightDequantizers(block).stream().filter(n -> intAttr(n, "block_size").isPresent()).toList();
        assertEquals(1, blocked.size(), opCounts(block).toString());
        NodeProto dq = blocked.get(0);
        assertEquals(Optional.of(32L), intAttr(dq, "block_size"));
        assertEquals(Optional.of(0L), intAttr(dq, "axis"));
        assertEquals(2, dq.getInputCount(), "no zero point: 0 is its default");
        Map<String, TensorProto> inits = initializers(block);
        assertEquals(Tensors.INT4, inits.get(dq.getInput(0)).getDataType());
        assertArrayEquals(new long[] {32, 16}, Tensors.dims(inits.get(dq.getInput(0))));
        assertArrayEquals(new long[] {1, 16}, Tensors.dims(inits.get(dq.getInput(1))));
        NodeProto matMul = node(block, BLOCKED);
        assertEquals("MatMul", matMul.getOpType());
        assertEquals(dq.getOutput(0), matMul.getInput(1));
        assertEquals(node(MODEL.folded().proto(), BLOCKED).getInput(0), matMul.getInput(0), "the input is not quantized");
        // the other two MatMuls (K = 16) keep per-channel scales and dynamic activations, and the notes say why; /ffn/in's
        // output now flows into a float input, so it is no longer quantized: /ffn/in takes the MatMulInteger form too
        assertEquals(2L, opCounts(block).get("MatMulInteger"), opCounts(block).toString());
        assertEquals("MatMulInteger", node(block, "/ffn/in/MatMul").getOpType());
        List<String> notes = blockEval.export(W4).notes();
        assertTrue(notes.stream().anyMatch(n -> n.contains("/ffn/in/MatMul has K = 16")), notes.toString());
        assertTrue(notes.stream().anyMatch(n -> n.contains("weight-only")), notes.toString());
    }

    /**
     * Block-wise as a per-layer choice: in a per-channel job, the one layer whose choice says {@code blockSize 32} is
     * exported block-wise and weight-only, and the layers beside it keep their per-channel form; and a block-wise job's
     * layer whose choice says {@code blockSize 0} keeps per-channel scales. Sizes follow: the modelled bytes of that layer
     * are those of its granularity.
     */
    /** Every layer at w4a8, the job's granularity, but {@link #BLOCKED} at {@code choice}. */
    private static QuantPlan allW4But(LayerChoice choice) {
        Map<String, LayerChoice> choices = new TreeMap<>();
        MODEL.layers().forEach(l -> choices.put(l.name(), l.name().equals(BLOCKED) ? choice : LayerChoice.of(4, 8)));
        return QuantPlan.of(choices);
    }

    @Test
    void blockWiseIsAPerLayerChoice() {
        LayerChoice w4 = LayerChoice.of(4, 8);
        QuantPlan oneBlocked = allW4But(w4.withBlockSize(32));
        PlanEvaluator perChannelJob = evaluator(QuantizationOptions.defaults());
        ModelProto mixed = perChannelJob.exportDeployed(oneBlocked);
        ModelProto allBlocked = evaluator(QuantizationOptions.defaults().withWeightBlockSize(32)).exportDeployed(W4);
        assertEquals(opCounts(allBlocked), opCounts(mixed), "the same ops as the job-wide block-wise export");
        assertEquals("MatMul", node(mixed, BLOCKED).getOpType());
        assertEquals(1, weightDequantizers(mixed).stream().filter(n -> intAttr(n, "block_size").isPresent()).count());

        PlanEvaluator blockJob = evaluator(QuantizationOptions.defaults().withWeightBlockSize(32));
        QuantPlan optedOut = allW4But(w4.withBlockSize(0));
        ModelProto none = blockJob.exportDeployed(optedOut);
        assertTrue(weightDequantizers(none).stream().noneMatch(n -> intAttr(n, "block_size").isPresent()), opCounts(none).toString());
        assertEquals(opCounts(perChannelJob.exportDeployed(W4)), opCounts(none), "the same ops as the per-channel export");

        var layer = MODEL.layers().stream().filter(l -> l.name().equals(BLOCKED)).findFirst().orElseThrow();
        assertEquals(blockJob.cost().layerBytes(layer, w4), perChannelJob.cost().layerBytes(layer, w4.withBlockSize(32)));
        assertEquals(perChannelJob.cost().layerBytes(layer, w4), blockJob.cost().layerBytes(layer, w4.withBlockSize(0)));
        assertEquals(perChannelJob.cost().layerBytes(layer, w4), perChannelJob.cost().layerBytes(layer, w4.withBlockSize(32)),
                "K = 32 is one block per column: as many scales as per channel");
    }

    @Test
    void onnxRuntimeRunsTheBlockWiseExportAsMatMulNBits() {
        PlanEvaluator eval = evaluator(QuantizationOptions.defaults().withWeightBlockSize(32));
        byte[] exported = eval.export(W4).bytes();
        ModelProto deployed = parse(OrtModel.optimizedGraph(exported, RT.forDeployment()));
        assertEquals(1L, opCounts(deployed).get("com.microsoft.MatMulNBits"), opCounts(deployed).toString());
        ModelProto scored = parse(OrtModel.optimizedGraph(eval.scoringModel(W4).bytes(), eval.scoringModel(W4).runtime()));
        assertEquals(1L, opCounts(scored).get("com.microsoft.MatMulNBits"), "plans are scored on the kernel deployed: "
                + opCounts(scored));

        byte[] perChannel = evaluator(QuantizationOptions.defaults()).export(W4).bytes();
        assertFalse(opCounts(parse(OrtModel.optimizedGraph(perChannel, RT.forDeployment()))).containsKey("com.microsoft.MatMulNBits"));
    }

    /**
     * Both forms compute x W^ with the same dequantized W^: they agree to float rounding once MatMulNBits computes in
     * float32 (accuracy level 0). At ORT's default level, 4, the kernel quantizes x to int8 per block of K inside, which
     * a deployment with default options runs too, and so does scoring: a small difference next to the weights' own.
     */
    @Test
    void fakeQuantAndIntegerScoringAgreeOnABlockWisePlan() {
        QuantizationOptions blocks = QuantizationOptions.defaults().withWeightBlockSize(32);
        QuantPlan plan = QuantPlan.of(Map.of(BLOCKED, LayerChoice.of(4, 8)));
        float[] fakeQuant = evaluator(blocks.withSimulation(Simulation.FAKE_QUANT), RT).simulatedOutputs(plan);
        float[] floatKernel = evaluator(blocks, RT.withMatMulNBitsAccuracyLevel(0)).simulatedOutputs(plan);
        float[] defaultKernel = evaluator(blocks, RT).simulatedOutputs(plan);
        float[] fp32 = evaluator(blocks, RT).referenceOutputs();
        double maxAbs = maxAbsDiff(fakeQuant, new float[fakeQuant.length]);
        double weightError = maxAbsDiff(fakeQuant, fp32);
        assertTrue(maxAbsDiff(fakeQuant, floatKernel) <= 1e-5 * maxAbs,
                "float rounding only: " + maxAbsDiff(fakeQuant, floatKernel) + " of " + maxAbs);
        assertTrue(maxAbsDiff(fakeQuant, defaultKernel) < weightError / 10,
                "int8 activations inside MatMulNBits: " + maxAbsDiff(fakeQuant, defaultKernel) + " vs 4-bit weights " + weightError);
    }

    /**
     * A block-wise 4-bit embedding is exported as ONNX Runtime's GatherBlockQuantized on a packed int4 table: half the
     * int8 rows' bytes, and the deployed file computes what was scored (the scoring model gathers the same dequantized rows).
     */
    @Test
    void blockWiseEmbeddingsAreGatheredPackedByGatherBlockQuantized() {
        dev.bitplan.engine.testmodels.GraphBuilder b = new dev.bitplan.engine.testmodels.GraphBuilder("embedder").opset(13).seed(5);
        String ids = b.input("tokens", dev.bitplan.engine.testmodels.GraphBuilder.INT64, "batch", TestModels.SEQ);
        String table = b.normalInitializer("embed.weight", 0.0, 1.0, TestModels.VOCAB, 64);
        String rows = b.node("Gather").name("/embed/Gather").inputs(table, ids).attrInt("axis", 0).add();
        b.node("MatMul").name("/proj/MatMul").inputs(rows, b.heWeight("proj.weight", 64, 64, 32)).outputs("y").add();
        b.output("y", dev.bitplan.engine.testmodels.GraphBuilder.FLOAT, "batch", TestModels.SEQ, 32);
        PreparedModel model = PreparedModel.of(ModelLoader.parse(b.build().toByteArray(), "embedder"));
        PlanEvaluator eval = new PlanEvaluator(model, SampleSets.tokens(1, 32), SampleSets.tokens(2, 32),
                QuantizationOptions.defaults().withWeightBlockSize(32), Metric.SQNR, RT, ProgressListener.NONE);

        var exported = eval.export(W4);
        ModelProto m = parse(exported.bytes());
        NodeProto gather = node(m, "/embed/Gather");
        assertEquals("com.microsoft", gather.getDomain());
        assertEquals("GatherBlockQuantized", gather.getOpType());
        assertEquals(Optional.of(32L), intAttr(gather, "block_size"));
        assertEquals(Optional.of(1L), intAttr(gather, "quantize_axis"));
        Map<String, TensorProto> inits = initializers(m);
        assertEquals(Tensors.INT4, inits.get(gather.getInput(0)).getDataType());
        assertEquals(TestModels.VOCAB * 64 / 2, inits.get(gather.getInput(0)).getRawData().size(), "two values a byte");
        assertArrayEquals(new long[] {TestModels.VOCAB, 2}, Tensors.dims(inits.get(gather.getInput(2))), "a scale per 32 of a row");
        assertTrue(m.getOpsetImportList().stream().anyMatch(o -> o.getDomain().equals("com.microsoft")), "the domain is imported");
        assertTrue(exported.notes().stream().anyMatch(n -> n.contains("ONNX Runtime (1.20 or later) only")), exported.notes().toString());

        double scored = eval.evaluate(W4);
        assertEquals(scored, eval.deployedMetric(W4, exported, scored, "deployed"), 0.05, "SQNR in dB, scored against as deployed");
        // without blocks the rows stay int8: the packed table is what makes a 4-bit embedding small
        ModelProto rowScaled = new PlanEvaluator(model, SampleSets.tokens(1, 32), SampleSets.tokens(2, 32), QuantizationOptions.defaults(),
                Metric.SQNR, RT, ProgressListener.NONE).exportDeployed(W4);
        assertEquals("Gather", node(rowScaled, "/embed/Gather").getOpType());
        assertEquals(Tensors.INT8, initializers(rowScaled).get(node(rowScaled, "/embed/Gather").getInput(0)).getDataType());
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static ModelProto parse(byte[] bytes) {
        try {
            return ModelProto.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
