package dev.bitplan.engine.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read-only view of an ONNX model with the indexes graph code needs: initializers by name, the node
 * producing each tensor, the nodes consuming it. Rewrites build a new {@link ModelProto} and wrap it again.
 */
public final class OnnxModel {

    private final ModelProto proto;
    private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();

    public OnnxModel(ModelProto proto) {
        this.proto = proto;
        GraphProto g = proto.getGraph();
        for (TensorProto t : g.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        for (NodeProto n : g.getNodeList()) {
            for (String out : n.getOutputList()) {
                producers.put(out, n);
            }
            for (String in : n.getInputList()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
        }
    }

    public ModelProto proto() {
        return proto;
    }

    public GraphProto graph() {
        return proto.getGraph();
    }

    public List<NodeProto> nodes() {
        return proto.getGraph().getNodeList();
    }

    /** Metadata key of an upgraded model ({@code OpsetUpgrade}): the opset of the file as given. */
    public static final String UPGRADED_FROM_KEY = "bitplan.upgraded_from_opset";

    /** The opset of the file as given, before {@code OpsetUpgrade} brought it to {@link #opset()}; that opset when not upgraded. */
    public int sourceOpset() {
        return proto.getMetadataPropsList().stream().filter(e -> e.getKey().equals(UPGRADED_FROM_KEY)).findFirst()
                .map(e -> Integer.parseInt(e.getValue())).orElse(opset());
    }

    /** Opset of the default ONNX domain. */
    public int opset() {
        for (OperatorSetIdProto o : proto.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                return (int) o.getVersion();
            }
        }
        return 0;
    }

    public Optional<TensorProto> initializer(String name) {
        return Optional.ofNullable(initializers.get(name));
    }

    public boolean isInitializer(String name) {
        return initializers.containsKey(name);
    }

    public Map<String, TensorProto> initializers() {
        return Collections.unmodifiableMap(initializers);
    }

    public Optional<NodeProto> producer(String tensor) {
        return Optional.ofNullable(producers.get(tensor));
    }

    public List<NodeProto> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    /** Graph inputs that are real inputs, not initializers listed as inputs (older exporters do that). */
    public List<ValueInfoProto> realInputs() {
        return proto.getGraph().getInputList().stream().filter(v -> !initializers.containsKey(v.getName())).toList();
    }

    public List<ValueInfoProto> outputs() {
        return proto.getGraph().getOutputList();
    }

    public boolean isGraphOutput(String tensor) {
        return proto.getGraph().getOutputList().stream().anyMatch(v -> v.getName().equals(tensor));
    }

    /** The node's name, or a stable stand-in from its first output when the exporter left it empty. */
    public static String nodeName(NodeProto n) {
        return n.getName().isEmpty() ? n.getOpType() + ":" + n.getOutput(0) : n.getName();
    }

    /** Declared dims of a value: a number, or -1 where the dim is symbolic or missing. */
    public static long[] declaredShape(ValueInfoProto v) {
        TensorShapeProto shape = v.getType().getTensorType().getShape();
        long[] dims = new long[shape.getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = shape.getDim(i);
            dims[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1;
        }
        return dims;
    }

    public static Optional<AttributeProto> attribute(NodeProto n, String name) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst();
    }

    public static long intAttribute(NodeProto n, String name, long fallback) {
        return attribute(n, name).map(AttributeProto::getI).orElse(fallback);
    }

    public static float floatAttribute(NodeProto n, String name, float fallback) {
        return attribute(n, name).map(AttributeProto::getF).orElse(fallback);
    }

    public static long[] intsAttribute(NodeProto n, String name) {
        return attribute(n, name).map(a -> a.getIntsList().stream().mapToLong(Long::longValue).toArray()).orElse(null);
    }
}
