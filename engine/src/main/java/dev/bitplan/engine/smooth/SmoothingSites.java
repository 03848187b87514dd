package dev.bitplan.engine.smooth;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerKind;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where SmoothQuant's migration is exact: a MatMul layer's input produced by a LayerNorm, either the
 * {@code LayerNormalization} op over the last axis or the decomposed form ending in {@code Add(Mul(x, gamma), beta)}
 * with constant per-channel gamma and beta, whose readers are all MatMul layers with a constant weight (each read by
 * nothing else) or residual {@code Add}s (given the old value back, see {@link SmoothingSite#restoredReaders}). Any
 * other reader (an activation, a graph output, a MatMul on two activations) would see the scaled value, so such a
 * LayerNorm is left alone, as is one whose constants something else reads.
 */
public final class SmoothingSites {

    /** What was found: the sites, and each MatMul input left alone with the reason. */
    public record Found(List<SmoothingSite> sites, Map<String, String> leftAlone) {
    }

    private SmoothingSites() {
    }

    public static Found find(OnnxModel model, List<Layer> layers) {
        Map<String, Layer> matMuls = new LinkedHashMap<>();
        Set<String> inputs = new LinkedHashSet<>();
        for (Layer l : layers) {
            if (l.kind() == LayerKind.MATMUL && l.input() != null) {
                matMuls.put(l.name(), l);
                inputs.add(l.input());
            }
        }
        List<SmoothingSite> sites = new ArrayList<>();
        Map<String, String> leftAlone = new LinkedHashMap<>();
        for (String tensor : inputs) {
            try {
                sites.add(site(model, matMuls, tensor));
            } catch (NotASite e) {
                leftAlone.put(tensor, e.getMessage());
            }
        }
        return new Found(sites, leftAlone);
    }

    /** Why a MatMul input is no site; a control-flow exception kept inside this class. */
    private static final class NotASite extends Exception {
        NotASite(String reason) {
            super(reason, null, false, false);
        }
    }

    private static SmoothingSite site(OnnxModel model, Map<String, Layer> matMuls, String tensor) throws NotASite {
        if (model.isGraphOutput(tensor)) {
            throw new NotASite("a graph output");
        }
        NodeProto norm = model.producer(tensor).orElseThrow(() -> new NotASite("a graph input"));
        String gamma;
        String beta;
        if (norm.getOpType().equals("LayerNormalization")) {
            if (OnnxModel.intAttribute(norm, "axis", -1) != -1) {
                throw new NotASite("a LayerNormalization over axis " + OnnxModel.intAttribute(norm, "axis", -1) + ", not the last");
            }
            gamma = norm.getInput(1);
            beta = norm.getInputCount() > 2 && !norm.getInput(2).isEmpty() ? norm.getInput(2) : null;
        } else if (norm.getOpType().equals("Add")) {
            // the decomposed LayerNorm: Add(Mul(normalized, gamma), beta), either operand order
            int b = constantOperand(model, norm).orElseThrow(() -> new NotASite("an Add of two activations, not a LayerNorm's shift"));
            beta = norm.getInput(b);
            NodeProto mul = model.producer(norm.getInput(1 - b)).filter(n -> n.getOpType().equals("Mul"))
                    .orElseThrow(() -> new NotASite("an Add that does not follow a Mul by gamma"));
            int g = constantOperand(model, mul).orElseThrow(() -> new NotASite("an Add after a Mul of two activations"));
            if (model.consumers(mul.getOutput(0)).size() != 1 || model.isGraphOutput(mul.getOutput(0))) {
                throw new NotASite("a LayerNorm whose Mul by gamma is read elsewhere too");
            }
            gamma = mul.getInput(g);
        } else {
            throw new NotASite("produced by " + norm.getOpType() + ", not a LayerNorm");
        }
        List<Layer> readers = new ArrayList<>();
        List<String> restored = new ArrayList<>();
        for (NodeProto c : model.consumers(tensor)) {
            Layer l = matMuls.get(OnnxModel.nodeName(c));
            if (l != null && c.getInput(0).equals(tensor) && !c.getInput(1).equals(tensor)) {
                if (l.weightDims().length != 2 || model.consumers(l.weight()).size() != 1
                        || !model.initializer(l.weight()).map(Tensors::isFloat).orElse(false)) {
                    throw new NotASite("read by " + l.name() + ", whose weight is not a float [K, N] matrix of its own");
                }
                readers.add(l);
            } else if (c.getOpType().equals("Add")) {
                restored.add(OnnxModel.nodeName(c));
            } else {
                throw new NotASite("read by " + c.getOpType() + " " + OnnxModel.nodeName(c) + ", not a MatMul layer");
            }
        }
        if (readers.isEmpty()) {
            throw new NotASite("read by no MatMul layer as its activation");
        }
        int channels = (int) readers.get(0).weightDims()[0];
        for (Layer l : readers) {
            if (l.weightDims()[0] != channels) {
                throw new NotASite("read by MatMul layers with " + channels + " and " + l.weightDims()[0] + " weight rows");
            }
        }
        requireChannelVector(model, gamma, channels);
        if (beta != null) {
            requireChannelVector(model, beta, channels);
        }
        return new SmoothingSite(tensor, OnnxModel.nodeName(norm), gamma, beta, channels, readers, restored);
    }

    /** The index (0 or 1) of a binary node's float initializer operand, if exactly one is. */
    private static Optional<Integer> constantOperand(OnnxModel model, NodeProto n) {
        if (n.getInputCount() != 2) {
            return Optional.empty();
        }
        boolean a = isFloatConstant(model, n.getInput(0));
        boolean b = isFloatConstant(model, n.getInput(1));
        return a == b ? Optional.empty() : Optional.of(a ? 0 : 1);
    }

    private static boolean isFloatConstant(OnnxModel model, String name) {
        // as everywhere in the engine, an initializer is a constant even where an old exporter also lists it as an input
        return model.initializer(name).map(Tensors::isFloat).orElse(false);
    }

    /** gamma and beta must hold one float per channel along the last axis, and belong to this LayerNorm alone. */
    private static void requireChannelVector(OnnxModel model, String name, int channels) throws NotASite {
        if (!isFloatConstant(model, name)) {
            throw new NotASite("a LayerNorm whose " + name + " is not a float constant");
        }
        TensorProto t = model.initializer(name).orElseThrow();
        long[] dims = Tensors.dims(t);
        boolean lastAxis = dims.length > 0 && dims[dims.length - 1] == channels && Tensors.elementCount(t) == channels;
        if (!lastAxis) {
            throw new NotASite("a LayerNorm whose " + name + " is not one value per channel of " + channels);
        }
        if (model.consumers(name).size() != 1) {
            throw new NotASite("a LayerNorm whose " + name + " other nodes read too");
        }
    }
}
