package dev.bitplan.qat.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.bitplan.contracts.plan.FusionMode;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.engine.calib.ActivationQuantParams;
import dev.bitplan.engine.eval.Quantizer;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerKind;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import dev.bitplan.engine.qdq.LayerWeights;
import dev.bitplan.engine.qdq.PlanRewriter;
import dev.bitplan.qat.graph.DjlGraph;
import dev.bitplan.qat.graph.OnnxToDjl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A plan's fake-quant model as a trainable DJL graph. The graph is the engine's own simulation model ({@link
 * Quantizer#simulation}): the same Q/DQ pairs, activation scales and zero points, static or dynamic, BN folded or kept
 * as the plan says. Only each quantized layer's weight constant is replaced, by its float weight (folded as the engine
 * folds it, and with its rows times SmoothQuant's s where the plan smooths it) behind fake quantization with the engine's
 * scales, and its bias by a float parameter; before any step the graph computes what the engine's fake-quant model
 * computes. The smoothed LayerNorms stay as the simulation has them (gamma and beta divided by s, not trained).
 */
public final class QatModel {

    private final Quantizer quantizer;
    private final QuantPlan plan;
    private final DjlGraph graph;
    private final List<TrainableLayer> layers;
    private final List<String> frozen;
    private final List<LearnedRange> ranges;

    private QatModel(Quantizer quantizer, QuantPlan plan, DjlGraph graph, List<TrainableLayer> layers, List<String> frozen,
                     List<LearnedRange> ranges) {
        this.quantizer = quantizer;
        this.plan = plan;
        this.graph = graph;
        this.layers = layers;
        this.frozen = frozen;
        this.ranges = ranges;
    }

    /** Activation ranges fixed from calibration. */
    public static QatModel of(Quantizer quantizer, QuantPlan plan, NDManager manager) {
        return of(quantizer, plan, manager, false);
    }

    /**
     * @param learnRanges whether the scales of static 8-bit activations are parameters too (LSQ); 4-bit activations, whose
     *                    model clips to the calibrated range before quantizing, and dynamic ones keep theirs
     */
    public static QatModel of(Quantizer quantizer, QuantPlan plan, NDManager manager, boolean learnRanges) {
        Set<String> smoothed = quantizer.smoothedLayers(plan);
        ModelProto simulation = quantizer.simulation(plan);
        Map<String, NodeProto> simNodes = new HashMap<>();
        Map<String, Integer> reads = new HashMap<>();
        for (NodeProto n : simulation.getGraph().getNodeList()) {
            simNodes.put(OnnxModel.nodeName(n), n);
            n.getInputList().forEach(i -> reads.merge(i, 1, Integer::sum));
        }
        Map<String, TensorProto> simInitializers = new HashMap<>();
        simulation.getGraph().getInitializerList().forEach(t -> simInitializers.put(t.getName(), t));
        Map<String, Integer> weightUses = new HashMap<>();
        quantizer.model().layers().forEach(l -> weightUses.merge(l.weight(), 1, Integer::sum));

        List<TrainableLayer> layers = new ArrayList<>();
        List<String> frozen = new ArrayList<>();
        Map<String, Supplier<NDArray>> computed = new LinkedHashMap<>();
        for (Layer layer : quantizer.model().layers()) {
            LayerChoice choice = plan.choiceFor(layer.name());
            if (choice.isFloat()) {
                continue;
            }
            if (weightUses.get(layer.weight()) > 1 || layer.kind() == LayerKind.GATHER) {
                // a weight several layers share is written once; an embedding table would be fake-quantized whole on every
                // step for the few rows a batch reads (BGE-small's word table: 11.7 M values): both keep the engine's weights
                frozen.add(layer.name());
                continue;
            }
            FusionMode mode = layer.fusionModes().contains(choice.fusion()) ? choice.fusion() : FusionMode.FUSED;
            boolean fold = layer.foldsBatchNorm(mode);
            // a smoothed layer trains its weight in the smoothed space (rows times s), as the simulation model reads it
            boolean smooths = smoothed.contains(layer.name());
            LayerWeights lw = quantizer.weights().weights(layer, choice.weightBits(), fold,
                    choice.blockSizeUnder(quantizer.options().weightBlockSize()), smooths);
            NodeProto node = simNodes.get(layer.name());
            String weightName = node.getInput(layer.kind() == LayerKind.GATHER ? 0 : 1);
            NDArray weight = manager.create(quantizer.weights().floatWeights(layer, fold, smooths).weight(),
                    new Shape(layer.weightDims()));
            weight.setRequiresGradient(true);
            String biasName = biasName(layer, simNodes);
            NDArray bias = null;
            if (biasName != null && reads.getOrDefault(biasName, 0) == 1 && simInitializers.containsKey(biasName)) {
                TensorProto b = simInitializers.get(biasName);
                bias = manager.create(Tensors.floats(b), new Shape(Tensors.dims(b)));
                bias.setRequiresGradient(true);
            } else {
                biasName = null;
            }
            float[] smoothingScales = smooths
                    ? quantizer.weights().smoothing().scales(quantizer.weights().smoothing().siteOf(layer.name()).orElseThrow()) : null;
            TrainableLayer t = new TrainableLayer(layer, fold, weightName, biasName, weight, bias,
                    WeightScales.of(manager, lw.quantized()), dev.bitplan.engine.quant.WeightQuantizer.qmax(choice.weightBits()),
                    smoothingScales);
            layers.add(t);
            computed.put(weightName, t::fakeQuantizedWeight);
            if (bias != null) {
                NDArray b = bias;
                computed.put(biasName, () -> b);
            }
        }
        List<LearnedRange> ranges = learnRanges ? learnedRanges(quantizer, simulation, simInitializers, manager) : List.of();
        ranges.forEach(r -> computed.put(PlanRewriter.activationScaleName(r.tensor(), r.calibrated().bits()), r::scale));
        DjlGraph graph = OnnxToDjl.importModel(simulation, manager, computed);
        return new QatModel(quantizer, plan, graph, List.copyOf(layers), List.copyOf(frozen), ranges);
    }

    /** A parameter for the scale of every static 8-bit activation of the plan's model, found by the engine's naming. */
    private static List<LearnedRange> learnedRanges(Quantizer quantizer, ModelProto simulation, Map<String, TensorProto> initializers,
                                                    NDManager manager) {
        Map<String, Integer> quantizerReads = new HashMap<>();
        for (NodeProto n : simulation.getGraph().getNodeList()) {
            if (n.getOpType().equals("QuantizeLinear") && n.getInputCount() > 1) {
                quantizerReads.merge(n.getInput(1), 1, Integer::sum);
            }
        }
        Set<String> tensors = new LinkedHashSet<>();
        quantizer.model().folded().proto().getGraph().getInputList().forEach(v -> tensors.add(v.getName()));
        quantizer.model().folded().proto().getGraph().getNodeList().forEach(n -> tensors.addAll(n.getOutputList()));
        List<LearnedRange> out = new ArrayList<>();
        for (String tensor : tensors) {
            String name = PlanRewriter.activationScaleName(tensor, 8);
            if (!quantizerReads.containsKey(name) || !initializers.containsKey(name)) {
                continue;
            }
            ActivationQuantParams calibrated = quantizer.activations().params(tensor, 8);
            NDArray scale = manager.create(calibrated.scale());
            scale.setRequiresGradient(true);
            out.add(new LearnedRange(tensor, calibrated, scale));
        }
        return List.copyOf(out);
    }

    /** The initializer the layer's bias is read from in the simulation model: a separate Add's constant or input 2. */
    private static String biasName(Layer layer, Map<String, NodeProto> simNodes) {
        if (layer.biasAddNode() != null) {
            NodeProto add = simNodes.get(layer.biasAddNode());
            return add.getInput(0).equals(layer.rawOutput()) ? add.getInput(1) : add.getInput(0);
        }
        NodeProto node = simNodes.get(layer.name());
        return node.getInputCount() > 2 && !node.getInput(2).isEmpty() ? node.getInput(2) : null;
    }

    public DjlGraph graph() {
        return graph;
    }

    public QuantPlan plan() {
        return plan;
    }

    public Quantizer quantizer() {
        return quantizer;
    }

    public List<TrainableLayer> layers() {
        return layers;
    }

    /** Quantized layers left untrained: embedding tables, and weights shared with another layer. */
    public List<String> frozen() {
        return frozen;
    }

    /** Every trainable array: weights then biases per layer, then the learned activation scales. */
    public NDList parameters() {
        NDList out = new NDList();
        for (TrainableLayer t : layers) {
            out.add(t.weight());
            if (t.bias() != null) {
                out.add(t.bias());
            }
        }
        ranges.forEach(r -> out.add(r.scale()));
        return out;
    }

    /** The activation scales this model learns (empty unless asked). */
    public List<LearnedRange> ranges() {
        return ranges;
    }

    /**
     * The learned activation parameters by tensor, for the engine to use instead of calibrating the tuned model
     * ({@link Quantizer#fixActivations}); a scale that left (0, inf) is left out, so that tensor is calibrated again.
     */
    public Map<String, ActivationQuantParams> learnedActivations() {
        Map<String, ActivationQuantParams> out = new LinkedHashMap<>();
        for (LearnedRange r : ranges) {
            if (r.learned() != null) {
                out.put(r.tensor(), r.learned());
            }
        }
        return out;
    }

    /**
     * The SmoothQuant scales the smoothed layers were trained with, for the tuned model's quantizer ({@link
     * Quantizer#fixSmoothing}); null when the plan smooths no layer.
     */
    public dev.bitplan.engine.smooth.Smoothing smoothing() {
        return layers.stream().anyMatch(t -> t.smoothingScales() != null) ? quantizer.weights().smoothing() : null;
    }

    /** The float model with the tuned weights written back ({@link WeightWriteBack}), for the engine to score. */
    public WeightWriteBack.Result tunedFloatModel() {
        return WeightWriteBack.write(quantizer.model().folded(), layers);
    }
}
