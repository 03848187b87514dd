package dev.bitplan.engine.qdq;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.onnx.Tensors;
import dev.bitplan.engine.quant.QuantizedWeight;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The integer form of a MatMul layer with dynamic activations whose output stays float, written as ONNX Runtime's own
 * dynamic quantizer writes it, because that is the form its optimizer fuses completely: DynamicQuantizeLinear and
 * MatMulInteger with the scale product and the bias into one DynamicQuantizeMatMul or MatMulIntegerToFloat kernel. The
 * QDQ form (DynamicQuantizeLinear -> DQ -> MatMul) fuses as well but leaves the bias Add a kernel of its own per layer.
 * <pre>
 *   x -> MatMul(W) -> Add(b) -> y
 *   x -> DynamicQuantizeLinear -> (x_q, s_x, z_x) -> MatMulInteger(x_q, W_q, z_x, z_w) -> Cast
 *        -> Mul(Mul(s_x, s_w)) -> Add(b) -> y
 * </pre>
 * The numbers are those of the QDQ form: the same quantized input and weights, integer accumulation, one rescale.
 */
final class DynamicMatMulForm {

    /** A dynamically quantized tensor: its integer values, scale and zero point. */
    private record QuantizedInput(String values, String scale, String zeroPoint) {
    }

    private final GraphEdit edit;
    private final Map<String, QuantizedInput> inputs = new HashMap<>(); // layers reading one tensor share its quantization

    DynamicMatMulForm(GraphEdit edit) {
        this.edit = edit;
    }

    /**
     * Rewrites one MatMul layer into the operator form; {@code name} prefixes the weight's tensors, {@code storage} says
     * how 8-bit weights are held.
     */
    void rewrite(Layer layer, String name, QuantizedWeight w, WeightDataType storage, Set<String> notes) {
        QuantizedInput x = inputs.computeIfAbsent(layer.input(), this::quantize);
        boolean shifted = storage == WeightDataType.UINT8_SHIFTED && w.bits() == 8;
        long[] scaleDims = w.perChannel() ? new long[] {w.scales().length} : new long[0];
        byte[] zeros = new byte[w.scales().length];
        if (shifted) {
            edit.putInitializer(Tensors.uint8Tensor(name + "_int", w.dims(), PlanRewriter.shift(w.values())));
            edit.putInitializer(Tensors.uint8Tensor(name + "_zp", scaleDims, PlanRewriter.shift(zeros)));
        } else {
            edit.putInitializer(Tensors.int8Tensor(name + "_int", w.dims(), w.values()));
            edit.putInitializer(Tensors.int8Tensor(name + "_zp", scaleDims, zeros));
        }
        if (w.bits() == 4) {
            notes.add("4-bit MatMul weights of dynamic layers are stored as int8 values in [-7, 7]: MatMulInteger reads 8-bit weights");
        }
        edit.putInitializer(Tensors.floatTensor(name + "_scale", scaleDims, w.scales()));

        String raw = layer.rawOutput();
        String accumulated = raw + "__i32";
        edit.renameOutput(raw, accumulated);
        NodeProto.Builder node = edit.node(layer.name()).setOpType("MatMulInteger").clearInput()
                .addInput(x.values()).addInput(name + "_int").addInput(x.zeroPoint()).addInput(name + "_zp");
        node.setName(layer.name());
        String asFloat = raw + "__cast";
        edit.addNode(accumulated, "Cast", List.of(accumulated), List.of(asFloat), GraphEdit.intAttr("to", Tensors.FLOAT));
        String scale = raw + "__scale";
        edit.addNode(asFloat, "Mul", List.of(x.scale(), name + "_scale"), List.of(scale));
        edit.addNode(scale, "Mul", List.of(asFloat, scale), List.of(raw));
        if (layer.biasAddNode() != null) {
            // ONNX Runtime fuses the bias only as the Add's second input
            NodeProto.Builder add = edit.node(layer.biasAddNode());
            if (!add.getInput(0).equals(raw)) {
                String bias = add.getInput(0);
                add.setInput(0, raw).setInput(1, bias);
            }
        }
    }

    private QuantizedInput quantize(String tensor) {
        String base = PlanRewriter.sanitize(tensor) + "__a8";
        QuantizedInput q = new QuantizedInput(edit.uniqueName(base + "_q"), edit.uniqueName(base + "_scale"), edit.uniqueName(base + "_zp"));
        edit.addNode(tensor, "DynamicQuantizeLinear", List.of(tensor), List.of(q.values(), q.scale(), q.zeroPoint()));
        return q;
    }
}
