package dev.bitplan.qat.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An ONNX graph made executable on DJL: its nodes in order, each with its kernel, and its constants as arrays. Every run
 * is eager PyTorch, so autograd records it when a gradient collector is open. Some initializers may be computed anew
 * on every run (a fake-quantized trainable weight) instead of stored.
 */
public final class DjlGraph {

    private final List<NodeProto> nodes;
    private final List<OpKernel> kernels;
    private final Map<String, NDArray> constants;
    private final Map<String, Supplier<NDArray>> computed;
    private final List<String> inputs;
    private final List<String> outputs;
    private final int opset;

    DjlGraph(List<NodeProto> nodes, List<OpKernel> kernels, Map<String, NDArray> constants,
             Map<String, Supplier<NDArray>> computed, List<String> inputs, List<String> outputs, int opset) {
        this.nodes = nodes;
        this.kernels = kernels;
        this.constants = constants;
        this.computed = computed;
        this.inputs = inputs;
        this.outputs = outputs;
        this.opset = opset;
    }

    /** The graph's real inputs (not initializers), in order. */
    public List<String> inputs() {
        return inputs;
    }

    public List<String> outputs() {
        return outputs;
    }

    /**
     * Runs the graph on {@code feeds} (by input name); returns its outputs by name. Arrays made from nothing (constants of
     * Constant-like nodes) live in {@code manager}; the rest in the managers of their operands, so callers that train
     * wrap a run in an {@link ai.djl.ndarray.NDScope}.
     */
    public Map<String, NDArray> run(NDManager manager, Map<String, NDArray> feeds) {
        Map<String, NDArray> values = new HashMap<>(constants);
        computed.forEach((name, supplier) -> values.put(name, supplier.get()));
        for (String in : inputs) {
            NDArray a = feeds.get(in);
            if (a == null) {
                throw new IllegalArgumentException("no value fed for graph input '" + in + "'; fed " + feeds.keySet());
            }
            values.put(in, a);
        }
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto node = nodes.get(i);
            List<NDArray> args = new ArrayList<>(node.getInputCount());
            for (String name : node.getInputList()) {
                if (name.isEmpty()) {
                    args.add(null);
                    continue;
                }
                NDArray v = values.get(name);
                if (v == null) {
                    throw new IllegalStateException("node '" + node.getName() + "' reads '" + name + "', which nothing computed");
                }
                args.add(v);
            }
            NDList out = kernels.get(i).apply(new NodeContext(node, args, opset, manager));
            for (int k = 0; k < node.getOutputCount() && k < out.size(); k++) {
                if (!node.getOutput(k).isEmpty()) {
                    values.put(node.getOutput(k), out.get(k));
                }
            }
        }
        Map<String, NDArray> result = new LinkedHashMap<>();
        for (String o : outputs) {
            result.put(o, values.get(o));
        }
        return result;
    }
}
