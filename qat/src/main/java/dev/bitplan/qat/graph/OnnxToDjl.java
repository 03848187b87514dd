package dev.bitplan.qat.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.bitplan.engine.onnx.OnnxModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Imports an ONNX model (as the engine prepares it: opset 21, constants folded) into a {@link DjlGraph}. Ops the
 * importer does not know fail the import at once, naming each unknown op and a node that uses it.
 */
public final class OnnxToDjl {

    private static final Map<String, OpKernel> KERNELS = new HashMap<>();

    static {
        ElementwiseOps.register(KERNELS);
        LinearOps.register(KERNELS);
        NormPoolOps.register(KERNELS);
        ShapeOps.register(KERNELS);
        QuantOps.register(KERNELS);
    }

    private OnnxToDjl() {
    }

    /** Every initializer a constant array in {@code manager}. */
    public static DjlGraph importModel(ModelProto model, NDManager manager) {
        return importModel(model, manager, Map.of());
    }

    /**
     * @param computed initializers that are not stored but computed on every run (e.g. a trainable weight through fake
     *                 quantization), by initializer name
     */
    public static DjlGraph importModel(ModelProto model, NDManager manager, Map<String, Supplier<NDArray>> computed) {
        checkSupported(model);
        int opset = opset(model);
        Map<String, NDArray> constants = new LinkedHashMap<>();
        Set<String> used = new LinkedHashSet<>();
        model.getGraph().getNodeList().forEach(n -> used.addAll(n.getInputList()));
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (!computed.containsKey(t.getName()) && used.contains(t.getName())) {
                constants.put(t.getName(), TensorConversion.toNDArray(manager, t));
            }
        }
        List<String> outputs = model.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList();
        List<NodeProto> nodes = new ArrayList<>();
        List<OpKernel> kernels = new ArrayList<>();
        for (NodeProto n : QdqPairs.fuse(model.getGraph().getNodeList(), Set.copyOf(outputs))) {
            if (n.getOpType().equals("Constant")) {
                // a constant once, not per run
                NodeContext ctx = new NodeContext(n, List.of(), opset, manager);
                constants.put(n.getOutput(0), KERNELS.get("Constant").apply(ctx).get(0));
                continue;
            }
            nodes.add(n);
            kernels.add(KERNELS.get(n.getOpType()));
        }
        Set<String> initializers = new LinkedHashSet<>();
        model.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<String> inputs = model.getGraph().getInputList().stream().map(ValueInfoProto::getName)
                .filter(name -> !initializers.contains(name)).toList();
        return new DjlGraph(nodes, kernels, constants, new LinkedHashMap<>(computed), inputs, outputs, opset);
    }

    /** Whether every node of the model has a kernel here. */
    public static boolean supports(ModelProto model) {
        return unsupported(model).isEmpty();
    }

    /** Fails naming every unsupported op and one node using each. */
    public static void checkSupported(ModelProto model) {
        Map<String, String> missing = unsupported(model);
        if (!missing.isEmpty()) {
            Map.Entry<String, String> first = missing.entrySet().iterator().next();
            String rest = missing.size() == 1 ? null : "also unsupported: " + missing;
            throw new UnsupportedOpException(first.getKey(), first.getValue(), rest);
        }
    }

    private static Map<String, String> unsupported(ModelProto model) {
        Map<String, String> missing = new LinkedHashMap<>();
        for (NodeProto n : model.getGraph().getNodeList()) {
            boolean otherDomain = !n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx");
            String op = otherDomain ? n.getDomain() + "." + n.getOpType() : n.getOpType();
            if (otherDomain || !KERNELS.containsKey(n.getOpType())) {
                missing.putIfAbsent(op, OnnxModel.nodeName(n));
            }
        }
        return missing;
    }

    private static int opset(ModelProto model) {
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                return (int) o.getVersion();
            }
        }
        return 1;
    }
}
