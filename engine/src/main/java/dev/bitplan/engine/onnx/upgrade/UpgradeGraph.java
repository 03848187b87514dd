package dev.bitplan.engine.onnx.upgrade;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.bitplan.engine.onnx.Tensors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The graph an upgrade edits: nodes in order (a rule may replace one node by several), initializers by name, and
 * fresh names for what rules add. Rules never reorder: a node's replacements stand where it stood.
 */
final class UpgradeGraph {

    private final GraphProto source;
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final List<TensorProto> added = new ArrayList<>();
    private final Set<String> used = new HashSet<>();
    private final Set<String> readTensors = new HashSet<>();
    private int counter;

    UpgradeGraph(GraphProto source) {
        this.source = source;
        source.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        for (NodeProto n : source.getNodeList()) {
            used.addAll(n.getOutputList());
            readTensors.addAll(n.getInputList());
            used.add(n.getName());
        }
        source.getOutputList().forEach(v -> readTensors.add(v.getName()));
        used.addAll(initializers.keySet());
    }

    /** A constant input, from an initializer or a Constant node output is not resolved: rules only need initializers. */
    Optional<TensorProto> initializer(String name) {
        return Optional.ofNullable(initializers.get(name));
    }

    /** Whether any node or the graph's outputs read this tensor. */
    boolean isRead(String tensor) {
        return readTensors.contains(tensor);
    }

    String fresh(String base) {
        String name;
        do {
            name = base + "__up" + (counter++);
        } while (!used.add(name));
        return name;
    }

    /** Adds an int64 1-D constant and returns its name. */
    String int64s(String base, long... values) {
        String name = fresh(base);
        added.add(Tensors.int64Tensor(name, new long[] {values.length}, values));
        return name;
    }

    /** Adds a float scalar constant and returns its name. */
    String floatScalar(String base, float value) {
        String name = fresh(base);
        added.add(Tensors.scalarFloat(name, value));
        return name;
    }

    List<TensorProto> addedInitializers() {
        return added;
    }

    GraphProto source() {
        return source;
    }

    static NodeProto.Builder withoutAttributes(NodeProto node, String... names) {
        Set<String> drop = Set.of(names);
        NodeProto.Builder b = node.toBuilder().clearAttribute();
        node.getAttributeList().stream().filter(a -> !drop.contains(a.getName())).forEach(b::addAttribute);
        return b;
    }

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto stringAttr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value)).build();
    }
}
