package dev.bitplan.engine.latency;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.data.DType;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerKind;
import dev.bitplan.engine.onnx.GraphOutputs;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import dev.bitplan.engine.qdq.ActivationParams;
import dev.bitplan.engine.qdq.ModelForm;
import dev.bitplan.engine.qdq.PlanRewriter;
import dev.bitplan.engine.qdq.QuantizedWeightCache;
import dev.bitplan.engine.qdq.WeightDataType;
import dev.bitplan.engine.runtime.OrtModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.runtime.TensorValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One layer's fusion group cut out of a prepared (constant-folded) model as a standalone ONNX model:
 * the layer node, its separate bias Add, its BatchNormalization and its Relu / Clip, in graph order,
 * with every initializer they read. The layer's activation input (the indices, for a Gather) is the
 * only graph input and the group output the only graph output. Tensor and node names are those of the
 * source model, so {@link Layer} records and calibrated {@link ActivationParams} of the full model apply
 * to it unchanged and {@link PlanRewriter} quantizes it exactly as it quantizes that layer in a
 * full plan.
 * <p>
 * The input's shape comes from a batch-1 shape probe: the folded model runs once on the first sample
 * with the layer inputs exposed as outputs (or the value is taken from the data when the input is a graph
 * input). The first axis of the extracted input is declared symbolic, and {@link #input(int)} tiles the
 * probed value along it, which gives a batch-N input whether that axis is the batch ({@code [N, C, H, W]})
 * or a batch-times-sequence axis ({@code [N*seq, hidden]}). A Gather whose indices are computed inside the
 * model (not a graph input) gets all-zero indices of the probed shape: ONNX Runtime here can only fetch
 * float tensors, and a lookup's speed does not depend on which rows it reads.
 */
public final class SingleLayerModel {

    /** Options of the one probe run: one thread, basic optimization (as {@code ShapeProbe}). */
    private static final RuntimeOptions PROBE = new RuntimeOptions(1, false);

    private final Layer layer;
    private final OnnxModel model;
    private final String inputName;
    private final NdArray input;
    private final Set<String> integerRead; // the layer's outputs that integer compute reads in the full model

    private SingleLayerModel(Layer layer, OnnxModel model, String inputName, NdArray input, Set<String> integerRead) {
        this.layer = layer;
        this.model = model;
        this.inputName = inputName;
        this.input = input;
        this.integerRead = integerRead;
    }

    /** Extracts one layer; runs the full model once on the first sample of {@code inputs} to probe its input. */
    public static SingleLayerModel extract(PreparedModel model, Layer layer, Map<String, NdArray> inputs) {
        return extractAll(model, List.of(layer), inputs).get(layer.name());
    }

    /** Extracts every layer of the model, with one probe run for all of them. */
    public static Map<String, SingleLayerModel> extractAll(PreparedModel model, Map<String, NdArray> inputs) {
        return extractAll(model, model.layers(), inputs);
    }

    /**
     * Extracts the given layers (of {@code model}) with one probe run on the first sample of {@code inputs}
     * (full arrays by model input name, as in a {@code SampleSet}); returns them by layer name, in order.
     */
    public static Map<String, SingleLayerModel> extractAll(PreparedModel model, List<Layer> layers, Map<String, NdArray> inputs) {
        OnnxModel folded = model.folded();
        Map<String, NdArray> one = new LinkedHashMap<>();
        inputs.forEach((k, v) -> one.put(k, v.selectSamples(new int[] {0})));
        Set<String> graphInputs = new HashSet<>();
        folded.realInputs().forEach(v -> graphInputs.add(v.getName()));
        Set<String> wanted = new LinkedHashSet<>();
        for (Layer l : layers) {
            String in = activationInput(folded, l);
            if (!graphInputs.contains(in)) {
                // a Gather's computed indices are int64, which cannot be fetched: its float output gives their shape
                wanted.add(l.kind() == LayerKind.GATHER ? l.rawOutput() : in);
            }
        }
        Map<String, TensorValue> probed = Map.of();
        if (!wanted.isEmpty()) {
            byte[] bytes = GraphOutputs.withOutputs(folded, wanted).toByteArray();
            try (OrtModel ort = OrtModel.load(bytes, PROBE)) {
                probed = ort.run(one, wanted);
            }
        }
        Set<String> integerRead = PlanRewriter.integerReadOutputs(folded, model.layers());
        Map<String, SingleLayerModel> out = new LinkedHashMap<>();
        for (Layer l : layers) {
            String in = activationInput(folded, l);
            NdArray value;
            if (graphInputs.contains(in)) {
                value = one.get(in);
                if (value == null) {
                    throw new IllegalArgumentException("no data for model input '" + in + "'");
                }
            } else if (l.kind() == LayerKind.GATHER) {
                long[] outShape = probed.get(l.rawOutput()).shape();
                long[] shape = Arrays.copyOf(outShape, outShape.length - 1); // Gather axis 0: indices shape + [dim]
                value = NdArray.ofLongs(in, DType.INT64, shape, new long[Math.toIntExact(NdArray.elementCount(shape))]);
            } else {
                TensorValue v = probed.get(in);
                value = NdArray.ofFloats(in, v.shape(), v.data());
            }
            out.put(l.name(), extract(folded, l, value, integerRead));
        }
        return out;
    }

    /**
     * Extracts one layer of a constant-folded model given the value of its activation input (float, or int64
     * indices for a Gather); the value's shape fixes the declared input shape but for its first axis.
     */
    public static SingleLayerModel extract(OnnxModel folded, Layer layer, NdArray inputValue) {
        return extract(folded, layer, inputValue, Set.of());
    }

    /**
     * The same, with the tensors whose output quantization the full model keeps ({@link PlanRewriter#integerReadOutputs}):
     * the one-layer model then runs as the layer does inside the model (QLinearConv with its output quantized, say).
     */
    public static SingleLayerModel extract(OnnxModel folded, Layer layer, NdArray inputValue, Set<String> integerRead) {
        return extract(folded, layer, inputValue, inputValue.shape(), integerRead);
    }

    /**
     * One layer with every axis of its input declared symbolic (no probed value), so that one model runs on inputs of
     * any batch and sequence length: for running the layer alone on captured activations ({@link #run}).
     *
     * @param inputRank rank of the layer's activation input (of a Gather's indices)
     */
    public static SingleLayerModel extractForAnyShape(OnnxModel folded, Layer layer, int inputRank, Set<String> integerRead) {
        return extract(folded, layer, null, new long[inputRank], integerRead);
    }

    /** @param declared the declared input shape: its first axis (every axis when {@code inputValue} is null) symbolic */
    private static SingleLayerModel extract(OnnxModel folded, Layer layer, NdArray inputValue, long[] declared, Set<String> integerRead) {
        Set<String> groupNodes = new HashSet<>();
        groupNodes.add(layer.name());
        for (String n : new String[] {layer.biasAddNode(), layer.batchNormNode(), layer.activationNode()}) {
            if (n != null) {
                groupNodes.add(n);
            }
        }
        List<NodeProto> nodes = new ArrayList<>();
        for (NodeProto n : folded.nodes()) {
            if (groupNodes.contains(OnnxModel.nodeName(n))) {
                nodes.add(n);
            }
        }
        if (nodes.size() != groupNodes.size()) {
            throw new IllegalArgumentException("layer " + layer.name() + ": the model lacks some of its group's nodes " + groupNodes);
        }
        String inputName = activationInput(folded, layer);
        GraphProto.Builder g = GraphProto.newBuilder().setName("bitplan_layer_" + layer.name().replaceAll("[^A-Za-z0-9_.]", "_"))
                .addAllNode(nodes);
        Set<String> copied = new HashSet<>();
        for (NodeProto n : nodes) {
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && copied.add(in)) {
                    folded.initializer(in).ifPresent(g::addInitializer);
                }
            }
        }
        int elemType = layer.kind() == LayerKind.GATHER ? Tensors.INT64 : Tensors.FLOAT;
        g.addInput(valueInfo(inputName, elemType, declared, inputValue == null ? declared.length : 1));
        g.addOutput(valueInfo(layer.groupOutput(), Tensors.FLOAT, null, 0));
        ModelProto proto = folded.proto().toBuilder().setGraph(g).build();
        return new SingleLayerModel(layer, new OnnxModel(proto), inputName, inputValue, integerRead);
    }

    /** The tensor the layer reads as its activation: {@link Layer#input()}, or the indices of a Gather. */
    public static String activationInput(OnnxModel folded, Layer layer) {
        if (layer.kind() != LayerKind.GATHER) {
            return layer.input();
        }
        return folded.nodes().stream().filter(n -> OnnxModel.nodeName(n).equals(layer.name())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node named " + layer.name())).getInput(1);
    }

    /** A tensor value info; {@code shape} null for none, else its first {@code symbolic} axes declared symbolic. */
    private static ValueInfoProto valueInfo(String name, int elemType, long[] shape, int symbolic) {
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(elemType);
        if (shape != null) {
            TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
            for (int i = 0; i < shape.length; i++) {
                s.addDim(i < symbolic ? TensorShapeProto.Dimension.newBuilder().setDimParam(i == 0 ? "batch" : "d" + i)
                        : TensorShapeProto.Dimension.newBuilder().setDimValue(shape[i]));
            }
            t.setShape(s);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }

    public Layer layer() {
        return layer;
    }

    /** The extracted float model. */
    public OnnxModel floatModel() {
        return model;
    }

    /** Name of the graph input: the layer's activation input, or a Gather's indices. */
    public String inputName() {
        return inputName;
    }

    /** Name of the graph output: the group output. */
    public String outputName() {
        return layer.groupOutput();
    }

    /** The probed batch-1 input value (null for a model {@linkplain #extractForAnyShape extracted for any shape}). */
    public NdArray input() {
        return input;
    }

    /** The input fed to the model: the probed value tiled {@code batch} times along its first axis. */
    public Map<String, NdArray> inputs(int batch) {
        return Map.of(inputName, tile(input, batch));
    }

    /** The deployable model of this layer at {@code choice}, with 8-bit weights stored as suits this host. */
    public ModelProto build(LayerChoice choice, QuantizationOptions options, QuantizedWeightCache weights, ActivationParams activations) {
        return build(choice, options, weights, activations, WeightDataType.forHost());
    }

    /**
     * The model of this layer at {@code choice}: the float model itself for {@link LayerChoice#FLOAT}, else
     * the {@link ModelForm#INTEGER} (deployable QDQ) rewrite by {@link PlanRewriter}.
     *
     * @param weights      quantized weights; one over the full folded model or over {@link #floatModel()} gives the same
     * @param activations  calibrated parameters of the full model (not consulted in dynamic or weight-only mode)
     */
    public ModelProto build(LayerChoice choice, QuantizationOptions options, QuantizedWeightCache weights, ActivationParams activations,
                            WeightDataType storage) {
        return build(choice, options, weights, activations, ModelForm.DEPLOYABLE, storage);
    }

    /** The model of this layer at {@code choice} in any form (the float model itself for {@link LayerChoice#FLOAT}). */
    public ModelProto build(LayerChoice choice, QuantizationOptions options, QuantizedWeightCache weights, ActivationParams activations,
                            ModelForm form, WeightDataType storage) {
        if (choice.isFloat()) {
            return model.proto();
        }
        PlanRewriter builder = new PlanRewriter(model, List.of(layer), options, weights, activations).readingAsInteger(integerRead);
        return builder.build(QuantPlan.of(Map.of(layer.name(), choice)), form, storage).model();
    }

    /** {@code a} repeated {@code times} times along its first axis. */
    static NdArray tile(NdArray a, int times) {
        if (times < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + times);
        }
        if (times == 1) {
            return a;
        }
        if (a.rank() == 0) {
            throw new IllegalArgumentException("a scalar input '" + a.name() + "' has no axis to batch along");
        }
        int rows = a.sampleCount();
        int[] idx = new int[rows * times];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i % rows;
        }
        return a.selectSamples(idx);
    }
}
