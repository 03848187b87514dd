package dev.bitplan.engine.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns Reshape targets that a model computes from its data's own shape into constants, as ONNX Runtime's transformer
 * optimizer does: Reshape's 0 means "this dimension of the input as it is", so a target dimension read from the same
 * position of the data's shape is a 0.
 * <pre>
 *   x -> Shape -> Gather(0) -> Unsqueeze -+
 *   x -> Shape -> Gather(1) -> Unsqueeze -+-> Concat -> Reshape(x)       becomes      Reshape(x, [0, 0, 12, 32])
 *                        12, 32 (const) --+
 * </pre>
 * A BERT exported by PyTorch computes each of its 48 attention reshapes this way: about 300 tiny shape ops per run,
 * which ONNX Runtime cannot fold because the shape is dynamic (BGE-small: about 1 ms of 8 at batch 1). Only that exact
 * pattern is rewritten (the Shape of the Reshape's own input, index i at position i, other parts constant, at most
 * one -1, allowzero off); the numbers are the same. Nodes that nothing reads any more are then dropped.
 */
public final class ReshapeTargets {

    private ReshapeTargets() {
    }

    public static OnnxModel simplify(OnnxModel model) {
        GraphProto g = model.graph();
        Map<String, NodeProto> producers = new HashMap<>();
        g.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
        Map<String, TensorProto> added = new LinkedHashMap<>();
        List<NodeProto> nodes = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            Optional<long[]> target = n.getOpType().equals("Reshape") && n.getDomain().isEmpty() && n.getInputCount() == 2
                    && OnnxModel.intAttribute(n, "allowzero", 0) == 0 ? constantTarget(model, producers, n) : Optional.empty();
            if (target.isPresent()) {
                String name = n.getInput(1) + "__const";
                added.put(name, Tensors.int64Tensor(name, new long[] {target.get().length}, target.get()));
                nodes.add(n.toBuilder().setInput(1, name).build());
            } else {
                nodes.add(n);
            }
        }
        if (added.isEmpty()) {
            return model;
        }
        List<NodeProto> live = live(nodes, g);
        Set<String> used = new HashSet<>();
        live.forEach(n -> used.addAll(n.getInputList()));
        g.getOutputList().forEach(v -> used.add(v.getName()));
        GraphProto.Builder gb = g.toBuilder().clearNode().addAllNode(live).clearInitializer();
        g.getInitializerList().stream().filter(t -> used.contains(t.getName())).forEach(gb::addInitializer);
        added.values().forEach(gb::addInitializer);
        return new OnnxModel(model.proto().toBuilder().setGraph(gb).build());
    }

    /** The constant target of a Reshape whose shape input is the pattern above, or empty. */
    private static Optional<long[]> constantTarget(OnnxModel model, Map<String, NodeProto> producers, NodeProto reshape) {
        String data = reshape.getInput(0);
        NodeProto concat = producers.get(reshape.getInput(1));
        if (concat == null || !concat.getOpType().equals("Concat")) {
            return Optional.empty();
        }
        List<Long> out = new ArrayList<>();
        for (String part : concat.getInputList()) {
            Optional<TensorProto> constant = model.initializer(part);
            if (constant.isPresent()) {
                if (constant.get().getDataType() != TensorProto.DataType.INT64_VALUE) {
                    return Optional.empty();
                }
                for (long v : Tensors.longs(constant.get())) {
                    out.add(v);
                }
                continue;
            }
            if (!isOwnDimension(model, producers, part, data, out.size())) {
                return Optional.empty();
            }
            out.add(0L);
        }
        if (out.stream().filter(v -> v == -1).count() > 1) {
            return Optional.empty();
        }
        return Optional.of(out.stream().mapToLong(Long::longValue).toArray());
    }

    /** Whether {@code tensor} is Unsqueeze(Gather(Shape(data), position), axes [0]): dimension {@code position} of data. */
    private static boolean isOwnDimension(OnnxModel model, Map<String, NodeProto> producers, String tensor, String data, int position) {
        NodeProto unsqueeze = producers.get(tensor);
        if (unsqueeze == null || !unsqueeze.getOpType().equals("Unsqueeze") || !axesAreZero(model, unsqueeze)) {
            return false;
        }
        NodeProto gather = producers.get(unsqueeze.getInput(0));
        if (gather == null || !gather.getOpType().equals("Gather") || OnnxModel.intAttribute(gather, "axis", 0) != 0) {
            return false;
        }
        Optional<TensorProto> index = model.initializer(gather.getInput(1));
        if (index.isEmpty() || index.get().getDimsCount() != 0 || Tensors.longs(index.get())[0] != position) {
            return false;
        }
        NodeProto shape = producers.get(gather.getInput(0));
        return shape != null && shape.getOpType().equals("Shape") && shape.getAttributeCount() == 0 && shape.getInput(0).equals(data);
    }

    private static boolean axesAreZero(OnnxModel model, NodeProto unsqueeze) {
        long[] axes = unsqueeze.getInputCount() > 1 ? model.initializer(unsqueeze.getInput(1)).map(Tensors::longs).orElse(null)
                : OnnxModel.intsAttribute(unsqueeze, "axes");
        return axes != null && axes.length == 1 && axes[0] == 0;
    }

    /** The nodes something still reads (a graph output or a live node's input), in their order. */
    private static List<NodeProto> live(List<NodeProto> nodes, GraphProto g) {
        Set<String> needed = new HashSet<>();
        g.getOutputList().forEach(v -> needed.add(v.getName()));
        boolean[] keep = new boolean[nodes.size()];
        for (int i = nodes.size() - 1; i >= 0; i--) { // nodes are in topological order: readers come after producers
            NodeProto n = nodes.get(i);
            if (n.getOutputList().stream().anyMatch(needed::contains)) {
                keep[i] = true;
                needed.addAll(n.getInputList());
            }
        }
        List<NodeProto> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (keep[i]) {
                out.add(nodes.get(i));
            }
        }
        return out;
    }
}
