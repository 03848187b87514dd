package dev.bitplan.engine.qdq;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.bitplan.engine.onnx.OnnxModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A mutable copy of a graph for one rewrite. New nodes are placed right after the node producing their
 * first input (or at the front for graph inputs and constants), so the node list stays topologically
 * sorted without a sort.
 */
final class GraphEdit {

    private final OnnxModel source;
    private final Map<String, NodeProto.Builder> nodes = new LinkedHashMap<>();
    private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    private final Set<String> removed = new HashSet<>();
    private final List<NodeProto> atFront = new ArrayList<>();
    private final Map<String, List<NodeProto>> after = new HashMap<>();
    /** Tensor -> name of the node producing it now (original or inserted), kept current by every edit. */
    private final Map<String, String> producers = new HashMap<>();
    private int counter;
    private final Map<String, Long> domains = new LinkedHashMap<>(); // operator domains nodes added here need

    GraphEdit(OnnxModel source) {
        this.source = source;
        for (NodeProto n : source.nodes()) {
            nodes.put(OnnxModel.nodeName(n), n.toBuilder());
            n.getOutputList().forEach(o -> producers.put(o, OnnxModel.nodeName(n)));
        }
        initializers.putAll(source.initializers());
    }

    NodeProto.Builder node(String name) {
        NodeProto.Builder b = nodes.get(name);
        if (b == null) {
            throw new IllegalArgumentException("no node named " + name);
        }
        return b;
    }

    void removeNode(String name) {
        removed.add(name);
        node(name).getOutputList().forEach(o -> producers.remove(o, name));
    }

    void putInitializer(TensorProto t) {
        initializers.put(t.getName(), t);
    }

    /** Renames the output {@code from} of whichever node produces it. */
    void renameOutput(String from, String to) {
        String name = producers.remove(from);
        if (name == null) {
            throw new IllegalArgumentException("no node produces " + from);
        }
        NodeProto.Builder b = nodes.get(name);
        b.setOutput(b.getOutputList().indexOf(from), to);
        producers.put(to, name);
    }

    /**
     * Adds a node after the producer of {@code anchorTensor}; returns it. Its name is short ({@code bp/<n>}; the op type
     * is on the node): a 4-bit CNN's export holds dozens of such nodes, and their names were 2 % of its bytes.
     */
    NodeProto addNode(String anchorTensor, String opType, List<String> inputs, List<String> outputs, AttributeProto... attrs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(opType).setName("bp/" + (counter++))
                .addAllInput(inputs).addAllOutput(outputs);
        for (AttributeProto a : attrs) {
            b.addAttribute(a);
        }
        NodeProto n = b.build();
        String producer = producers.get(anchorTensor);
        outputs.forEach(o -> producers.put(o, n.getName()));
        if (producer == null) {
            atFront.add(n);
        } else {
            after.computeIfAbsent(producer, k -> new ArrayList<>()).add(n);
        }
        return n;
    }

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    /** Declares an operator set the model must import for a node written here (e.g. {@code com.microsoft} 1). */
    void requireDomain(String domain, long version) {
        domains.put(domain, version);
    }

    String uniqueName(String base) {
        return base + "__bp" + (counter++);
    }

    ModelProto build() {
        List<NodeProto> ordered = new ArrayList<>();
        for (NodeProto n : atFront) {
            ordered.add(n);
            appendInserted(n.getName(), ordered);
        }
        for (Map.Entry<String, NodeProto.Builder> e : nodes.entrySet()) {
            if (!removed.contains(e.getKey())) {
                ordered.add(e.getValue().build());
            }
            appendInserted(e.getKey(), ordered);
        }
        Set<String> used = new HashSet<>();
        Set<String> produced = new HashSet<>();
        for (NodeProto n : ordered) {
            used.addAll(n.getInputList());
            produced.addAll(n.getOutputList());
        }
        GraphProto g = source.graph();
        g.getOutputList().forEach(v -> used.add(v.getName()));
        GraphProto.Builder gb = g.toBuilder().clearNode().addAllNode(ordered).clearInitializer();
        initializers.values().stream().filter(t -> used.contains(t.getName())).forEach(gb::addInitializer);
        List<ValueInfoProto> valueInfo = g.getValueInfoList().stream().filter(v -> produced.contains(v.getName())).toList();
        gb.clearValueInfo().addAllValueInfo(valueInfo);
        List<ValueInfoProto> inputs = g.getInputList().stream()
                .filter(v -> !source.isInitializer(v.getName()) || used.contains(v.getName()) && initializers.containsKey(v.getName()))
                .toList();
        gb.clearInput().addAllInput(inputs);
        ModelProto.Builder model = source.proto().toBuilder().setGraph(gb);
        for (Map.Entry<String, Long> d : domains.entrySet()) {
            if (model.getOpsetImportList().stream().noneMatch(o -> o.getDomain().equals(d.getKey()))) {
                model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(d.getKey()).setVersion(d.getValue()));
            }
        }
        return model.build();
    }

    /** Inserted nodes can anchor further inserted nodes (Q after Clip, DQ after Q). */
    private void appendInserted(String producerName, List<NodeProto> ordered) {
        List<NodeProto> list = after.get(producerName);
        if (list == null) {
            return;
        }
        for (NodeProto n : list) {
            ordered.add(n);
            appendInserted(n.getName(), ordered);
        }
    }
}
