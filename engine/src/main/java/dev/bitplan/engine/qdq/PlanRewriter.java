package dev.bitplan.engine.qdq;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.FusionMode;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import dev.bitplan.engine.calib.ActivationQuantParams;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerKind;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import dev.bitplan.engine.quant.BlockWiseRule;
import dev.bitplan.engine.quant.QuantizedWeight;
import dev.bitplan.engine.smooth.SmoothQuantFolding;
import dev.bitplan.engine.smooth.Smoothing;
import dev.bitplan.engine.smooth.SmoothingSite;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a float model into the quantized model of a plan. The same code writes the fake-quant simulation
 * ({@link ModelForm#FAKE_QUANT}), the deployable QDQ model that is exported ({@link ModelForm#DEPLOYABLE}) and
 * the model plans are scored on ({@link ModelForm#INTEGER_SCORING}), so they differ only in how weights are
 * stored, never in where quantization happens.
 * <p>
 * Mark first, then rewrite: each quantized layer folds its BatchNormalization (if its fusion mode says
 * so), swaps in its quantized weight and marks two activation tensors, its input and its group output;
 * one pass then inserts a Q/DQ pair per marked tensor:
 * <pre>
 *   x -> Conv(W) -> BN -> Relu -> y          x -> Q -> DQ -> Conv(W_q, b') -> Relu -> Q -> DQ -> y
 * </pre>
 * A group output is quantized in place (the producer writes {@code y__f}; DQ writes {@code y}), so every
 * reader sees the quantized value, as in a QDQ deployment, but only where every reader carries it on as an integer
 * ({@link IntegerReaders}): a group output read by a float op (LayerNorm, Softmax, a graph output) stays float.
 * An input is quantized for its layer only.
 */
public final class PlanRewriter {

    /** The rewritten model and what was chosen where the opset forced a choice. */
    public record Result(ModelProto model, List<String> notes) {
    }

    /** A tensor to quantize at some bits, statically (calibrated range) or dynamically (range per run). */
    private record Mark(String tensor, int bits, boolean dynamic) {
    }

    private final OnnxModel source;
    private final List<Layer> layers;
    private final QuantizationOptions options;
    private final QuantizedWeightCache weights;
    private final ActivationParams activations;
    private final Set<String> integerReadElsewhere;
    private final Set<String> sharedWeights; // weights several layers read: their tensors' names also carry the layer's

    public PlanRewriter(OnnxModel source, List<Layer> layers, QuantizationOptions options, QuantizedWeightCache weights,
                        ActivationParams activations) {
        this(source, layers, options, weights, activations, Set.of());
    }

    private PlanRewriter(OnnxModel source, List<Layer> layers, QuantizationOptions options, QuantizedWeightCache weights,
                         ActivationParams activations, Set<String> integerReadElsewhere) {
        this.source = source;
        this.layers = layers;
        this.options = options;
        this.weights = weights;
        this.activations = activations;
        this.integerReadElsewhere = integerReadElsewhere;
        Set<String> seen = new HashSet<>();
        Set<String> shared = new HashSet<>();
        for (Layer l : layers) {
            if (!seen.add(l.weight())) {
                shared.add(l.weight());
            }
        }
        this.sharedWeights = shared;
    }

    /**
     * A rewriter that quantizes these tensors' outputs in place whoever reads them here: for a layer cut out of its
     * model (the latency table's one-layer models), whose output is a graph output here but read by integer compute
     * in the full model ({@link #integerReadOutputs}).
     */
    public PlanRewriter readingAsInteger(Set<String> tensors) {
        return new PlanRewriter(source, layers, options, weights, activations, Set.copyOf(tensors));
    }

    /** The group outputs, at every fusion mode, that integer compute reads when every layer of {@code model} is quantized. */
    public static Set<String> integerReadOutputs(OnnxModel model, List<Layer> layers) {
        Set<String> quantized = new LinkedHashSet<>();
        layers.stream().filter(l -> l.kind().quantizesActivations()).forEach(l -> quantized.add(l.name()));
        IntegerReaders readers = new IntegerReaders(model, quantized);
        Set<String> out = new LinkedHashSet<>();
        for (Layer l : layers) {
            for (FusionMode mode : l.fusionModes()) {
                if (readers.onlyInteger(l.quantizedOutput(mode))) {
                    out.add(l.quantizedOutput(mode));
                }
            }
        }
        return out;
    }

    public Result build(QuantPlan plan, ModelForm form) {
        return build(plan, form, WeightDataType.INT8);
    }

    /** @param storage how 8-bit integer weights are stored (not used by {@link ModelForm#FAKE_QUANT}) */
    public Result build(QuantPlan plan, ModelForm form, WeightDataType storage) {
        checkPlanNames(plan);
        Map<String, String> smoothedInputs = smoothedInputs(plan);
        // SmoothQuant first, on the float model: the LayerNorms of smoothed readers write y / s, and those readers read it
        OnnxModel smoothedSource = smoothedInputs.isEmpty() ? source
                : SmoothQuantFolding.apply(source, weights.smoothing(), smoothedInputs.keySet(), false);
        GraphEdit edit = new GraphEdit(smoothedSource);
        Set<String> notes = new LinkedHashSet<>();
        if (!smoothedInputs.isEmpty()) {
            notes.addAll(weights.smoothing().notes(smoothedInputs.keySet())); // first: it changed the float model itself
        }
        if (source.sourceOpset() < source.opset()) {
            notes.add("the model was upgraded from opset " + source.sourceOpset() + " to " + source.opset()
                    + " before quantization (packed int4 needs 21); the export is at opset " + source.opset()
                    + ", which ONNX Runtime runs from version 1.20");
        }
        Map<String, Mark> outputMarks = new LinkedHashMap<>(); // tensor -> how its producer quantizes it
        Map<String, List<Mark>> inputMarks = new LinkedHashMap<>(); // layer node -> its input mark
        IntegerReaders integerReaders = new IntegerReaders(source, quantizedLayerNodes(plan));
        DynamicMatMulForm dynamicMatMuls = new DynamicMatMulForm(edit);
        for (Layer planned : layers) {
            LayerChoice choice = plan.choiceFor(planned.name());
            if (choice.isFloat()) {
                continue;
            }
            String smoothedInput = smoothedInputs.get(planned.name());
            Layer layer = smoothedInput == null ? planned : planned.withInput(smoothedInput);
            FusionMode mode = layer.fusionModes().contains(choice.fusion()) ? choice.fusion() : FusionMode.FUSED;
            boolean fold = layer.foldsBatchNorm(mode);
            LayerWeights lw = weights.weights(layer, choice.weightBits(), fold, choice.blockSizeUnder(options.weightBlockSize()),
                    smoothedInput != null);
            boolean integerOutput = integerReadElsewhere.contains(layer.quantizedOutput(mode))
                    || integerReaders.onlyInteger(layer.quantizedOutput(mode));
            ActivationMode activation = activationMode(layer, choice);
            noteGranularity(layer, choice, lw.quantized(), notes);
            if (form.integer() && activation == ActivationMode.DYNAMIC && layer.kind() == LayerKind.MATMUL
                    && !integerOutput && choice.activationBits() == 8) {
                dynamicMatMuls.rewrite(layer, weightPrefix(layer) + "_w" + choice.weightBits(), lw.quantized(), storage, notes);
                continue;
            }
            setWeight(edit, layer, lw.quantized(), lw.dequantized(), form, storage, notes);
            if (fold) {
                foldBatchNorm(edit, source, layer, lw.bias());
            }
            // an int32 bias serves integer kernels that also write an integer output (QLinearConv, QGemm); where the
            // output stays float (MatMulIntegerToFloat) a float bias fuses into the kernel, and an int32 one would cost a
            // DequantizeLinear and an Add per layer and run
            if (form.integer() && lw.bias() != null && activation == ActivationMode.STATIC && source.opset() >= 13 && integerOutput) {
                quantizeBias(edit, layer, fold, lw, activations.params(layer.input(), choice.activationBits()).scale());
            }
            if (activation != ActivationMode.WEIGHT_ONLY) {
                int bits = choice.activationBits();
                boolean dynamic = activation == ActivationMode.DYNAMIC;
                if (dynamic && bits != 8) {
                    throw new InvalidInputException(Problem.BAD_REQUEST, "layer " + layer.name() + " asks for " + bits
                            + "-bit activations, but dynamic activation quantization is 8-bit only (DynamicQuantizeLinear); "
                            + "use static activations or 8-bit activations");
                }
                inputMarks.computeIfAbsent(layer.name(), k -> new ArrayList<>()).add(new Mark(layer.input(), bits, dynamic));
                if (integerOutput) {
                    outputMarks.put(layer.quantizedOutput(mode), new Mark(layer.quantizedOutput(mode), bits, dynamic));
                }
            }
        }
        for (Mark m : outputMarks.values()) {
            String raw = m.tensor() + "__f";
            edit.renameOutput(m.tensor(), raw);
            insertQdq(edit, raw, m.tensor(), m, m.tensor());
        }
        Map<Mark, String> quantizedInputs = new LinkedHashMap<>();
        for (Map.Entry<String, List<Mark>> e : inputMarks.entrySet()) {
            for (Mark m : e.getValue()) {
                if (m.equals(outputMarks.get(m.tensor()))) {
                    continue; // its producer already quantizes it so
                }
                String q = quantizedInputs.computeIfAbsent(m, k -> {
                    String out = edit.uniqueName(k.tensor() + "__qdq" + k.bits());
                    insertQdq(edit, k.tensor(), out, k, k.tensor());
                    return out;
                });
                NodeProto.Builder node = edit.node(e.getKey());
                node.setInput(0, q);
            }
        }
        ModelProto built = edit.build();
        if (form.integer()) {
            AttentionFusion.Result fused = AttentionFusion.apply(built);
            built = fused.model();
            if (fused.fused() > 0) {
                notes.add(fused.fused() + " attention blocks with dynamic 8-bit Q/K/V projections run as ONNX Runtime's "
                        + "com.microsoft.QAttention (one integer product for Q, K and V, the attention in one kernel)");
            }
        }
        return new Result(built, List.copyOf(notes));
    }

    /**
     * The layers this plan smooths, each with the tensor it then reads: those whose choice (or the job) asks for SmoothQuant
     * and whose input is quantized (smoothing eases the input's quantization; a weight-only layer would only lose weight
     * precision). A layer that asks for it explicitly but reads no LayerNorm SmoothQuant can fold into is refused by name.
     */
    public Map<String, String> smoothedInputs(QuantPlan plan) {
        Map<String, String> out = new LinkedHashMap<>();
        Smoothing smoothing = null;
        for (Layer layer : layers) {
            LayerChoice choice = plan.choiceFor(layer.name());
            if (choice.isFloat() || !choice.smoothedUnder(options.smoothQuant()) || activationMode(layer, choice) == ActivationMode.WEIGHT_ONLY) {
                continue;
            }
            smoothing = smoothing == null ? weights.smoothing() : smoothing;
            java.util.Optional<SmoothingSite> site = smoothing.siteOf(layer.name());
            if (site.isPresent()) {
                out.put(layer.name(), Smoothing.smoothedTensor(site.get()));
            } else if (Boolean.TRUE.equals(choice.smoothed())) {
                String why = smoothing.leftAlone().getOrDefault(layer.input(), "it is no MatMul layer with a constant weight");
                throw new InvalidInputException(Problem.BAD_REQUEST, "the plan smooths layer " + layer.name() + ", but SmoothQuant "
                        + "cannot fold into what it reads (" + layer.input() + ": " + why + ")");
            }
        }
        return out;
    }

    /** Node names of the layers whose activations the plan quantizes (they read a quantized input). */
    private Set<String> quantizedLayerNodes(QuantPlan plan) {
        Set<String> out = new LinkedHashSet<>();
        for (Layer layer : layers) {
            LayerChoice choice = plan.choiceFor(layer.name());
            if (!choice.isFloat() && activationMode(layer, choice) != ActivationMode.WEIGHT_ONLY) {
                out.add(layer.name());
            }
        }
        return out;
    }

    /**
     * The activation mode of a quantized layer: the options' mode resolved per layer, except that a block-wise layer is
     * weight-only, as ONNX Runtime's MatMulNBits (what its DequantizeLinear -> MatMul becomes) reads float activations.
     */
    private ActivationMode activationMode(Layer layer, LayerChoice choice) {
        if (weights.blockWise(layer, choice.weightBits(), choice.blockSizeUnder(options.weightBlockSize()))) {
            return ActivationMode.WEIGHT_ONLY;
        }
        return ActivationModes.of(options.activationMode(), layer, choice);
    }

    /** Says, when the options ask for block-wise weights, what block-wise layers do and why a layer is not one. */
    private void noteGranularity(Layer layer, LayerChoice choice, QuantizedWeight q, Set<String> notes) {
        int blockSize = choice.blockSizeUnder(options.weightBlockSize());
        if (blockSize == 0) {
            return;
        }
        if (q.blockWise()) {
            if (layer.kind() == LayerKind.GATHER) {
                return; // gatherBlockQuantized writes the embeddings' note
            }
            notes.add("4-bit MatMul weights are block-wise (a scale per " + blockSize + " input rows and output column, "
                    + "DequantizeLinear with block_size " + blockSize + ", which ONNX Runtime runs as MatMulNBits) and those layers "
                    + "are weight-only: their inputs stay float");
            return;
        }
        BlockWiseRule.fallbackReason(layer, choice.weightBits(), blockSize, source.opset()).ifPresent(notes::add);
    }

    /**
     * The prefix of the tensors written for a layer's weight: the weight's own name, or with the layer's name added
     * where several layers share the weight. Short, because each name is stored several times in the file.
     */
    private String weightPrefix(Layer layer) {
        return sharedWeights.contains(layer.weight()) ? layer.weight() + "__" + sanitize(layer.name()) : layer.weight();
    }

    private void checkPlanNames(QuantPlan plan) {
        Set<String> known = new LinkedHashSet<>();
        layers.forEach(l -> known.add(l.name()));
        for (String name : plan.layers().keySet()) {
            if (!known.contains(name)) {
                throw new InvalidInputException(Problem.BAD_REQUEST, "the plan names layer '" + name
                        + "', which the model does not have; its layers are " + known);
            }
        }
    }

    private void setWeight(GraphEdit edit, Layer layer, QuantizedWeight q, float[] dequantized, ModelForm form,
                           WeightDataType storage, Set<String> notes) {
        String name = weightPrefix(layer) + "_w" + q.bits();
        NodeProto.Builder node = edit.node(layer.name());
        int weightInput = layer.kind() == LayerKind.GATHER ? 0 : 1;
        node.setInput(weightInput, name);
        // an embedding gathers rows of its table: dequantizing the whole table on every run (what DQ -> Gather
        // costs ONNX Runtime, which has no integer Gather kernel) gives the very floats stored here once
        boolean scoredGather = form == ModelForm.INTEGER_SCORING && layer.kind() == LayerKind.GATHER;
        if (form == ModelForm.FAKE_QUANT || scoredGather) {
            edit.putInitializer(Tensors.floatTensor(name, q.dims(), dequantized));
            return;
        }
        if (layer.kind() == LayerKind.GATHER && q.blockWise()) {
            gatherBlockQuantized(edit, layer, q, name, notes);
            return;
        }
        if (layer.kind() == LayerKind.GATHER) {
            gatherIntegerRows(edit, layer, q, name, notes);
            return;
        }
        if (q.blockWise()) {
            blockWiseWeight(edit, q, name);
            return;
        }
        int opset = source.opset();
        boolean packInt4 = q.bits() == 4 && opset >= 21 && form == ModelForm.DEPLOYABLE;
        if (q.bits() == 4 && opset < 21 && form == ModelForm.DEPLOYABLE) {
            notes.add("4-bit weights are stored as int8 values in [-7, 7]: packed int4 needs opset 21 and this model is opset "
                    + opset);
        }
        String ints = name + "_int";
        // the Cast + Mul path (opset < 13) runs no integer kernel, so it keeps plain int8
        boolean shifted = q.bits() == 8 && storage == WeightDataType.UINT8_SHIFTED && !(q.perChannel() && opset < 13);
        if (packInt4) {
            edit.putInitializer(Tensors.int4Tensor(ints, q.dims(), q.values()));
        } else if (shifted) {
            notes.add("8-bit weights are stored as uint8 q+128 with zero point 128 (the same values as int8): ONNX Runtime's "
                    + "u8s8 kernels saturate on x86 CPUs without VNNI; use --weight-storage int8 for ARM or VNNI targets");
            edit.putInitializer(Tensors.uint8Tensor(ints, q.dims(), shift(q.values())));
        } else {
            edit.putInitializer(Tensors.int8Tensor(ints, q.dims(), q.values()));
        }
        if (q.perChannel() && opset < 13) {
            // DequantizeLinear has no axis before opset 13: Cast to float, then multiply by the per-channel scales.
            notes.add("opset " + opset + ": per-channel weight scales are applied as Cast + Mul (DequantizeLinear has no axis before opset 13)");
            long[] scaleShape = new long[q.dims().length];
            java.util.Arrays.fill(scaleShape, 1);
            scaleShape[q.axis()] = q.scales().length;
            edit.putInitializer(Tensors.floatTensor(name + "_scale", scaleShape, q.scales()));
            String cast = name + "_cast";
            edit.addNode(ints, "Cast", List.of(ints), List.of(cast), GraphEdit.intAttr("to", Tensors.FLOAT));
            edit.addNode(cast, "Mul", List.of(cast, name + "_scale"), List.of(name));
            return;
        }
        long[] scaleDims = q.perChannel() ? new long[] {q.scales().length} : new long[0];
        edit.putInitializer(Tensors.floatTensor(name + "_scale", scaleDims, q.scales()));
        // an explicit zero point of the scale's shape: ORT's QGemm refuses per-channel scales without one
        byte[] zeros = new byte[q.scales().length];
        if (packInt4) {
            edit.putInitializer(Tensors.int4Tensor(name + "_zp", scaleDims, zeros));
        } else if (shifted) {
            edit.putInitializer(Tensors.uint8Tensor(name + "_zp", scaleDims, shift(zeros)));
        } else {
            edit.putInitializer(Tensors.int8Tensor(name + "_zp", scaleDims, zeros));
        }
        List<String> dqInputs = List.of(ints, name + "_scale", name + "_zp");
        if (q.perChannel()) {
            edit.addNode(ints, "DequantizeLinear", dqInputs, List.of(name), GraphEdit.intAttr("axis", q.axis()));
        } else {
            edit.addNode(ints, "DequantizeLinear", dqInputs, List.of(name));
        }
    }

    /**
     * A block-wise 4-bit weight in both integer forms, packed int4 behind a blocked DequantizeLinear: the pattern ONNX
     * Runtime's optimizer turns, with the MatMul reading it, into one MatMulNBits (4-bit weights in memory, dequantized
     * block by block inside the kernel). The scoring model holds the same, so plans are scored on the kernel deployed. No
     * zero point: its default, 0, is the symmetric grid's, and a tensor of zeros would cost a nibble per block.
     * <pre>
     *   x -> MatMul(W) -> y        x -> MatMul(DequantizeLinear(W_int4 [K, N], scale [K / B, N], axis 0, block_size B)) -> y
     * </pre>
     */
    private void blockWiseWeight(GraphEdit edit, QuantizedWeight q, String name) {
        String ints = name + "_int";
        edit.putInitializer(Tensors.int4Tensor(ints, q.dims(), q.values()));
        edit.putInitializer(Tensors.floatTensor(name + "_scale", q.scaleDims(), q.scales()));
        edit.addNode(ints, "DequantizeLinear", List.of(ints, name + "_scale"), List.of(name),
                GraphEdit.intAttr("axis", q.axis()), GraphEdit.intAttr("block_size", q.blockSize()));
    }

    /**
     * The deployable form of an embedding: gather integer rows, then scale them, instead of dequantizing the whole table
     * on every run (what DQ -> Gather costs; BGE-small's word table is 11.7 M values for a few dozen rows used). The
     * rows computed are the very floats the table's DequantizeLinear would give (zero point 0, one scale per row).
     * <pre>
     *   ids -> Gather(W) -> rows        ids -> Gather(W_int8) -> Cast -> Mul(Unsqueeze(Gather(scales, ids), -1)) -> rows
     * </pre>
     */
    private void gatherIntegerRows(GraphEdit edit, Layer layer, QuantizedWeight q, String name, Set<String> notes) {
        if (q.bits() == 4 && options.weightBlockSize() == 0) {
            notes.add("4-bit embedding rows are stored as int8 values in [-7, 7]: no standard Gather reads packed int4 "
                    + "(--weight-granularity block-32 or block-128 packs them for ONNX Runtime's GatherBlockQuantized)");
        }
        NodeProto.Builder node = edit.node(layer.name());
        String ids = node.getInput(1);
        String rows = node.getOutput(0);
        String ints = name + "_int";
        edit.putInitializer(Tensors.int8Tensor(ints, q.dims(), q.values()));
        node.setInput(0, ints);
        String intRows = rows + "__int";
        edit.renameOutput(rows, intRows);
        String floatRows = rows + "__cast";
        edit.addNode(intRows, "Cast", List.of(intRows), List.of(floatRows), GraphEdit.intAttr("to", Tensors.FLOAT));
        if (!q.perChannel()) {
            edit.putInitializer(Tensors.floatTensor(name + "_scale", new long[0], q.scales()));
            edit.addNode(floatRows, "Mul", List.of(floatRows, name + "_scale"), List.of(rows));
            return;
        }
        edit.putInitializer(Tensors.floatTensor(name + "_scale", new long[] {q.scales().length}, q.scales()));
        String rowScales = rows + "__scale";
        edit.addNode(floatRows, "Gather", List.of(name + "_scale", ids), List.of(rowScales), GraphEdit.intAttr("axis", 0));
        String column = rows + "__scale_col";
        if (source.opset() >= 13) {
            edit.putInitializer(Tensors.int64Tensor(name + "_last_axis", new long[] {1}, new long[] {-1}));
            edit.addNode(rowScales, "Unsqueeze", List.of(rowScales, name + "_last_axis"), List.of(column));
        } else {
            edit.addNode(rowScales, "Unsqueeze", List.of(rowScales), List.of(column), GraphEdit.intsAttr("axes", -1));
        }
        edit.addNode(column, "Mul", List.of(floatRows, column), List.of(rows));
    }

    /**
     * A block-wise 4-bit embedding: ONNX Runtime's {@code com.microsoft.GatherBlockQuantized} gathers the packed int4 rows
     * and dequantizes them block by block (a scale per {@code B} values of a row), so the table stays 4-bit in the file and
     * in memory. The rows are the very floats a blocked DequantizeLinear of the table would give; the file then runs on
     * ONNX Runtime only, which the notes say.
     * <pre>
     *   ids -> Gather(W [V, H]) -> rows        ids -> GatherBlockQuantized(W_int4 [V, H], scale [V, H / B], block_size B) -> rows
     * </pre>
     */
    private void gatherBlockQuantized(GraphEdit edit, Layer layer, QuantizedWeight q, String name, Set<String> notes) {
        NodeProto.Builder node = edit.node(layer.name());
        String ids = node.getInput(1);
        String ints = name + "_int";
        edit.putInitializer(Tensors.int4Tensor(ints, q.dims(), q.values()));
        edit.putInitializer(Tensors.floatTensor(name + "_scale", q.scaleDims(), q.scales()));
        node.setOpType("GatherBlockQuantized").setDomain("com.microsoft").clearInput().addInput(ints).addInput(ids)
                .addInput(name + "_scale").clearAttribute().addAttribute(GraphEdit.intAttr("gather_axis", 0))
                .addAttribute(GraphEdit.intAttr("quantize_axis", q.axis())).addAttribute(GraphEdit.intAttr("block_size", q.blockSize()));
        edit.requireDomain("com.microsoft", 1);
        notes.add("4-bit embeddings are block-wise and packed, gathered by ONNX Runtime's com.microsoft.GatherBlockQuantized: "
                + "the file runs on ONNX Runtime (1.20 or later) only");
    }

    /**
     * Stores the bias as int32 at scale {@code s_x * s_w} behind a DequantizeLinear, as QDQ deployments
     * expect: ONNX Runtime's QGemm / QLinearConv fusions read a float bias as if it were int32 otherwise.
     * The simulation keeps the float bias; the difference is the bias rounding, at most half a step.
     */
    private void quantizeBias(GraphEdit edit, Layer layer, boolean folded, LayerWeights lw, float inputScale) {
        float[] weightScales = lw.quantized().scales();
        float[] bias = lw.bias();
        float[] scales = new float[bias.length];
        int[] q = new int[bias.length];
        for (int c = 0; c < bias.length; c++) {
            scales[c] = inputScale * weightScales[weightScales.length == 1 ? 0 : c];
            q[c] = (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, Math.rint(bias[c] / scales[c])));
        }
        String base = weightPrefix(layer) + "_bias_q";
        NodeProto.Builder holder;
        int index;
        long[] dims;
        if (layer.biasAddNode() != null) {
            holder = edit.node(layer.biasAddNode());
            index = holder.getInput(0).equals(layer.rawOutput()) ? 1 : 0;
            dims = Tensors.dims(source.initializer(layer.bias()).orElseThrow());
        } else {
            holder = edit.node(layer.name());
            index = 2;
            dims = new long[] {bias.length};
        }
        int axis = 0;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == bias.length) {
                axis = i;
            }
        }
        edit.putInitializer(Tensors.int32Tensor(base + "_int", dims, q));
        edit.putInitializer(Tensors.floatTensor(base + "_scale", new long[] {bias.length}, scales));
        // no zero point: an int32 DequantizeLinear's defaults to 0, and a vector of zeros costs 4 bytes a channel in the file
        edit.addNode(base + "_int", "DequantizeLinear", List.of(base + "_int", base + "_scale"), List.of(base),
                GraphEdit.intAttr("axis", axis));
        holder.setInput(index, base);
    }

    /** Drops the BN node; the node that fed it now writes the BN's output, with the folded bias. */
    static void foldBatchNorm(GraphEdit edit, OnnxModel source, Layer layer, float[] foldedBias) {
        edit.removeNode(layer.batchNormNode());
        String biasName = layer.weight() + "__" + sanitize(layer.name()) + "_bias_folded";
        if (layer.biasAddNode() != null) {
            NodeProto.Builder add = edit.node(layer.biasAddNode());
            int constIndex = add.getInput(0).equals(layer.rawOutput()) ? 1 : 0;
            long[] dims = Tensors.dims(source.initializer(layer.bias()).orElseThrow());
            edit.putInitializer(Tensors.floatTensor(biasName, dims, foldedBias));
            add.setInput(constIndex, biasName);
        } else {
            edit.putInitializer(Tensors.floatTensor(biasName, new long[] {foldedBias.length}, foldedBias));
            NodeProto.Builder node = edit.node(layer.name());
            while (node.getInputCount() < 3) {
                node.addInput("");
            }
            node.setInput(2, biasName);
        }
        edit.renameOutput(layer.biasedOutput(), layer.normalizedOutput());
    }

    /**
     * The initializer holding the static scale of {@code tensor}'s {@code bits}-bit activation quantization in a plan's
     * model (QAT finds the scale it learns by this name).
     */
    public static String activationScaleName(String tensor, int bits) {
        return activationBase(tensor, bits) + "_scale";
    }

    private static String activationBase(String tensor, int bits) {
        return sanitize(tensor) + "__a" + bits;
    }

    /** Q/DQ from {@code in} to {@code out}, with ranges calibrated on the float tensor {@code calibrated}. */
    private void insertQdq(GraphEdit edit, String in, String out, Mark mark, String calibrated) {
        int bits = mark.bits();
        String base = activationBase(calibrated, bits);
        if (mark.dynamic()) {
            String y = edit.uniqueName(base + "_q");
            String s = edit.uniqueName(base + "_scale");
            String z = edit.uniqueName(base + "_zp");
            edit.addNode(in, "DynamicQuantizeLinear", List.of(in), List.of(y, s, z));
            edit.addNode(y, "DequantizeLinear", List.of(y, s, z), List.of(out));
            return;
        }
        ActivationQuantParams p = activations.params(calibrated, bits);
        String scale = activationScaleName(calibrated, bits);
        String zero = base + "_zp";
        edit.putInitializer(Tensors.scalarFloat(scale, p.scale()));
        edit.putInitializer(Tensors.uint8Tensor(zero, new long[0], new byte[] {(byte) p.zeroPoint()}));
        String toQuantize = in;
        if (bits < 8) {
            // uint8 QuantizeLinear saturates at 255: clip to the 4-bit grid's float range first so q stays in [0, 15].
            String lo = base + "_lo";
            String hi = base + "_hi";
            int qmax = (1 << bits) - 1;
            edit.putInitializer(Tensors.scalarFloat(lo, p.scale() * (0 - p.zeroPoint())));
            edit.putInitializer(Tensors.scalarFloat(hi, p.scale() * (qmax - p.zeroPoint())));
            toQuantize = edit.uniqueName(base + "_clipped");
            edit.addNode(in, "Clip", List.of(in, lo, hi), List.of(toQuantize));
        }
        String q = edit.uniqueName(base + "_q");
        edit.addNode(toQuantize, "QuantizeLinear", List.of(toQuantize, scale, zero), List.of(q));
        edit.addNode(q, "DequantizeLinear", List.of(q, scale, zero), List.of(out));
    }

    static byte[] shift(byte[] signed) {
        byte[] out = new byte[signed.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (signed[i] + 128);
        }
        return out;
    }

    static String sanitize(String name) {
        return name.replaceAll("[^A-Za-z0-9_.]", "_");
    }

}
