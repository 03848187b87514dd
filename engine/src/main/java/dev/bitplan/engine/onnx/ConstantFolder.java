package dev.bitplan.engine.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns constant expressions into initializers, so that a weight exported as {@code Transpose(W)} or
 * {@code Reshape(W, shape)}, a Clip limit given by a {@code Constant} node, or an {@code Identity} of a
 * shared initializer all look like plain initializers to layer discovery.
 * <pre>
 *   W(init) -> Transpose -> MatMul      becomes      W_t(init) -> MatMul
 * </pre>
 * Folds Constant, Identity, Transpose, Reshape, Cast, Squeeze, Unsqueeze and Flatten when every input is
 * constant; initializers no node reads any more are dropped.
 */
public final class ConstantFolder {

    private static final Set<String> FOLDABLE = Set.of("Constant", "Identity", "Transpose", "Reshape", "Cast", "Squeeze",
            "Unsqueeze", "Flatten");

    private ConstantFolder() {
    }

    public static OnnxModel fold(OnnxModel model) {
        GraphProto g = model.graph();
        Map<String, TensorProto> constants = new LinkedHashMap<>(model.initializers());
        Set<String> graphOutputs = new HashSet<>();
        g.getOutputList().forEach(v -> graphOutputs.add(v.getName()));
        List<NodeProto> kept = new ArrayList<>();
        int opset = model.opset();
        for (NodeProto n : g.getNodeList()) {
            boolean foldable = FOLDABLE.contains(n.getOpType()) && n.getDomain().isEmpty() && n.getOutputCount() == 1
                    && !graphOutputs.contains(n.getOutput(0))
                    && n.getInputList().stream().allMatch(i -> i.isEmpty() || constants.containsKey(i));
            TensorProto folded = foldable ? evaluate(n, constants, opset) : null;
            if (folded != null) {
                constants.put(n.getOutput(0), folded);
            } else {
                kept.add(n);
            }
        }
        Set<String> used = new HashSet<>(graphOutputs);
        kept.forEach(n -> used.addAll(n.getInputList()));
        GraphProto.Builder gb = g.toBuilder().clearNode().addAllNode(kept).clearInitializer();
        constants.values().stream().filter(t -> used.contains(t.getName())).forEach(gb::addInitializer);
        // Older exporters list initializers as graph inputs too; drop the ones that are gone.
        List<ai.onnx.proto.OnnxMl.ValueInfoProto> inputs = g.getInputList().stream()
                .filter(v -> !constants.containsKey(v.getName()) || used.contains(v.getName())).toList();
        gb.clearInput().addAllInput(inputs);
        ModelProto out = model.proto().toBuilder().setGraph(gb).build();
        return new OnnxModel(out);
    }

    /** The node's value, or null when it uses a form we do not fold (then the node simply stays). */
    private static TensorProto evaluate(NodeProto n, Map<String, TensorProto> c, int opset) {
        String out = n.getOutput(0);
        switch (n.getOpType()) {
            case "Constant": {
                for (AttributeProto a : n.getAttributeList()) {
                    switch (a.getName()) {
                        case "value":
                            return a.getT().toBuilder().setName(out).build();
                        case "value_float":
                            return Tensors.floatTensor(out, new long[0], new float[] {a.getF()});
                        case "value_floats":
                            return Tensors.floatTensor(out, new long[] {a.getFloatsCount()}, toArray(a.getFloatsList()));
                        case "value_int":
                            return Tensors.int64Tensor(out, new long[0], new long[] {a.getI()});
                        case "value_ints":
                            return Tensors.int64Tensor(out, new long[] {a.getIntsCount()},
                                    a.getIntsList().stream().mapToLong(Long::longValue).toArray());
                        default:
                            return null;
                    }
                }
                return null;
            }
            case "Identity":
                return c.get(n.getInput(0)).toBuilder().setName(out).build();
            default:
                break;
        }
        ConstTensor x = ConstTensor.of(c.get(n.getInput(0)));
        if (x == null) {
            return null;
        }
        ConstTensor y = switch (n.getOpType()) {
            case "Transpose" -> x.transpose(OnnxModel.intsAttribute(n, "perm"));
            case "Reshape" -> x.reshape(ConstTensor.of(c.get(n.getInput(1))).longs(),
                    OnnxModel.intAttribute(n, "allowzero", 0) == 1);
            case "Cast" -> x.cast((int) OnnxModel.intAttribute(n, "to", 0));
            case "Squeeze" -> x.squeeze(axes(n, c, opset));
            case "Unsqueeze" -> x.unsqueeze(axes(n, c, opset));
            case "Flatten" -> x.flatten((int) OnnxModel.intAttribute(n, "axis", 1));
            default -> null;
        };
        return y == null ? null : y.toProto(out);
    }

    /** Squeeze / Unsqueeze axes: an attribute before opset 13, an optional input from 13. */
    private static long[] axes(NodeProto n, Map<String, TensorProto> c, int opset) {
        if (opset < 13) {
            return OnnxModel.intsAttribute(n, "axes");
        }
        return n.getInputCount() > 1 && !n.getInput(1).isEmpty() ? Tensors.longs(c.get(n.getInput(1))) : null;
    }

    private static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
