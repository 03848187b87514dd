package dev.bitplan.qat.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.bitplan.engine.onnx.OnnxModel;
import java.util.List;

/** What a kernel sees of one node while it runs: its inputs (null where an optional one is absent) and attributes. */
final class NodeContext {

    private final NodeProto node;
    private final List<NDArray> inputs;
    private final int opset;
    private final NDManager manager;

    NodeContext(NodeProto node, List<NDArray> inputs, int opset, NDManager manager) {
        this.node = node;
        this.inputs = inputs;
        this.opset = opset;
        this.manager = manager;
    }

    /** Where arrays the node creates from nothing (constants) live: the run's manager. */
    NDManager manager() {
        return manager;
    }

    NodeProto node() {
        return node;
    }

    String name() {
        return OnnxModel.nodeName(node);
    }

    int opset() {
        return opset;
    }

    int inputCount() {
        return inputs.size();
    }

    boolean has(int i) {
        return i < inputs.size() && inputs.get(i) != null;
    }

    NDArray in(int i) {
        if (!has(i)) {
            throw unsupported("input " + i + " is missing");
        }
        return inputs.get(i);
    }

    /** An input read as integers (a shape, axes, indices): these parts of a graph are evaluated eagerly. */
    long[] longs(int i) {
        NDArray a = in(i);
        return a.getDataType() == DataType.INT64 ? a.toLongArray() : a.toType(DataType.INT64, false).toLongArray();
    }

    boolean hasAttr(String name) {
        return OnnxModel.attribute(node, name).isPresent();
    }

    long intAttr(String name, long fallback) {
        return OnnxModel.intAttribute(node, name, fallback);
    }

    float floatAttr(String name, float fallback) {
        return OnnxModel.floatAttribute(node, name, fallback);
    }

    long[] intsAttr(String name) {
        return OnnxModel.intsAttribute(node, name);
    }

    String stringAttr(String name, String fallback) {
        return OnnxModel.attribute(node, name).map(a -> a.getS().toStringUtf8()).orElse(fallback);
    }

    AttributeProto attr(String name) {
        return OnnxModel.attribute(node, name).orElseThrow(() -> unsupported("attribute " + name + " is missing"));
    }

    UnsupportedOpException unsupported(String detail) {
        return new UnsupportedOpException(node.getOpType(), name(), detail);
    }
}
