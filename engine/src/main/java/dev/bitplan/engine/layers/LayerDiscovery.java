package dev.bitplan.engine.layers;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the quantizable layers of a constant-folded model and what can fold or fuse into each:
 * layer [-> bias Add] [-> BatchNormalization] [-> Relu | Clip]. A link joins the group only when the
 * tensor before it has that single consumer and is not a graph output.
 */
public final class LayerDiscovery {

    private LayerDiscovery() {
    }

    public static List<Layer> discover(OnnxModel model) {
        List<Layer> layers = new ArrayList<>();
        for (NodeProto n : model.nodes()) {
            if (!n.getDomain().isEmpty()) {
                continue;
            }
            toLayer(model, n).ifPresent(layers::add);
        }
        return layers;
    }

    /** Why a Conv / Gemm / MatMul / Gather is not quantized (e.g. weight computed at run time), or empty. */
    public static List<String> skippedCandidates(OnnxModel model) {
        List<String> reasons = new ArrayList<>();
        for (NodeProto n : model.nodes()) {
            String op = n.getOpType();
            if (!(op.equals("Conv") || op.equals("ConvTranspose") || op.equals("Gemm") || op.equals("MatMul"))) {
                continue;
            }
            if (toLayer(model, n).isEmpty()) {
                reasons.add(OnnxModel.nodeName(n) + " (" + op + "): weight is not a constant float tensor, so it is left in float");
            }
        }
        return reasons;
    }

    private static Optional<Layer> toLayer(OnnxModel m, NodeProto n) {
        return switch (n.getOpType()) {
            case "Conv" -> weighted(m, n, LayerKind.CONV, 1, 0, 2, 3);
            case "ConvTranspose" -> weighted(m, n, LayerKind.CONV_TRANSPOSE, 1, 1, 2, 3);
            case "Gemm" -> weighted(m, n, LayerKind.GEMM, 1, OnnxModel.intAttribute(n, "transB", 0) == 1 ? 0 : 1, 2, 2);
            case "MatMul" -> weighted(m, n, LayerKind.MATMUL, 1, 1, -1, 2);
            case "Gather" -> gather(m, n);
            default -> Optional.empty();
        };
    }

    /**
     * A layer whose weight is input {@code weightInput}; {@code biasInput} is the node's own bias input
     * (-1 if the op has none); {@code minRank} the weight rank the op needs.
     */
    private static Optional<Layer> weighted(OnnxModel m, NodeProto n, LayerKind kind, int weightInput, int axis,
                                            int biasInput, int minRank) {
        if (n.getInputCount() <= weightInput || m.isInitializer(n.getInput(0))) {
            return Optional.empty();
        }
        Optional<TensorProto> w = m.initializer(n.getInput(weightInput)).filter(Tensors::isFloat);
        if (w.isEmpty() || w.get().getDimsCount() < minRank || (kind == LayerKind.MATMUL || kind == LayerKind.GEMM)
                && w.get().getDimsCount() != 2) {
            return Optional.empty();
        }
        if (kind == LayerKind.GEMM && OnnxModel.intAttribute(n, "transA", 0) != 0) {
            return Optional.empty();
        }
        long[] dims = Tensors.dims(w.get());
        int channels = (int) dims[axis];
        String bias = biasInput >= 0 && n.getInputCount() > biasInput && !n.getInput(biasInput).isEmpty()
                ? n.getInput(biasInput) : null;
        if (bias != null && !m.isInitializer(bias)) {
            return Optional.empty();
        }
        String raw = n.getOutput(0);
        String biased = raw;
        String biasAdd = null;
        if (bias == null) {
            NodeProto add = soleConsumer(m, raw, "Add");
            String c = add == null ? null : constantOperand(m, add, raw);
            if (c != null && Tensors.elementCount(m.initializer(c).get()) == channels && Tensors.isFloat(m.initializer(c).get())
                    && biasBroadcastsOverChannels(kind, m.initializer(c).get())) {
                bias = c;
                biasAdd = OnnxModel.nodeName(add);
                biased = add.getOutput(0);
            }
        }
        String normalized = biased;
        String bn = null;
        // a grouped ConvTranspose's axis-1 index is not its output channel, so its BN cannot fold per weight slice
        boolean canFoldBn = kind != LayerKind.MATMUL
                && !(kind == LayerKind.CONV_TRANSPOSE && OnnxModel.intAttribute(n, "group", 1) != 1);
        NodeProto bnNode = canFoldBn ? soleConsumer(m, biased, "BatchNormalization") : null;
        if (bnNode != null && bnNode.getOutputCount() == 1
                && bnNode.getInputList().subList(1, 5).stream().allMatch(m::isInitializer)) {
            bn = OnnxModel.nodeName(bnNode);
            normalized = bnNode.getOutput(0);
        }
        String out = normalized;
        String act = null;
        String actOp = null;
        NodeProto relu = soleConsumer(m, normalized, "Relu");
        NodeProto clip = soleConsumer(m, normalized, "Clip");
        if (relu != null) {
            act = OnnxModel.nodeName(relu);
            actOp = "Relu";
            out = relu.getOutput(0);
        } else if (clip != null && clip.getInputList().stream().skip(1).allMatch(i -> i.isEmpty() || m.isInitializer(i))) {
            act = OnnxModel.nodeName(clip);
            actOp = "Clip";
            out = clip.getOutput(0);
        }
        return Optional.of(new Layer(OnnxModel.nodeName(n), kind, w.get().getName(), dims, axis, n.getInput(0), bias,
                biasAdd, bn, act, actOp, raw, biased, normalized, out));
    }

    private static Optional<Layer> gather(OnnxModel m, NodeProto n) {
        Optional<TensorProto> table = m.initializer(n.getInput(0)).filter(Tensors::isFloat);
        if (table.isEmpty() || table.get().getDimsCount() != 2 || OnnxModel.intAttribute(n, "axis", 0) != 0
                || m.isInitializer(n.getInput(1))) {
            return Optional.empty();
        }
        String out = n.getOutput(0);
        return Optional.of(new Layer(OnnxModel.nodeName(n), LayerKind.GATHER, table.get().getName(), Tensors.dims(table.get()),
                0, null, null, null, null, null, null, out, out, out, out));
    }

    /** A bias must add one value per output channel: shape [C] for Gemm / MatMul, [C,1,1] or [1,C,1,1] for convs. */
    private static boolean biasBroadcastsOverChannels(LayerKind kind, TensorProto c) {
        long[] d = Tensors.dims(c);
        if (kind == LayerKind.GEMM || kind == LayerKind.MATMUL) {
            return d.length == 1 || (d.length == 2 && d[0] == 1);
        }
        int nonOne = 0;
        int at = -1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] != 1) {
                nonOne++;
                at = i;
            }
        }
        // [C,1,1] or [1,C,1,1]: the channel dim sits 3 from the end for a 2-D conv (rank+1 from the end in general)
        return nonOne <= 1 && (d.length >= 3 && at == d.length - 3 || nonOne == 0);
    }

    private static NodeProto soleConsumer(OnnxModel m, String tensor, String opType) {
        List<NodeProto> c = m.consumers(tensor);
        if (c.size() != 1 || m.isGraphOutput(tensor) || !c.get(0).getOpType().equals(opType) || !c.get(0).getDomain().isEmpty()) {
            return null;
        }
        return c.get(0);
    }

    private static String constantOperand(OnnxModel m, NodeProto add, String other) {
        if (add.getInputCount() != 2) {
            return null;
        }
        String a = add.getInput(0);
        String b = add.getInput(1);
        if (a.equals(other) && m.isInitializer(b)) {
            return b;
        }
        if (b.equals(other) && m.isInitializer(a)) {
            return a;
        }
        return null;
    }
}
