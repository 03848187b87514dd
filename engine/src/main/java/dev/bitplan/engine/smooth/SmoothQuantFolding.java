package dev.bitplan.engine.smooth;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the smoothed float model: per site, gamma and beta divided by s, each reader's weight row j multiplied by
 * s_j, and the residual readers given {@code output * s} by one Mul. Every tensor and node keeps its name (layers
 * and plans find theirs again); the Muls are new nodes placed right after their LayerNorm.
 */
public final class SmoothQuantFolding {

    /** Suffix of the inserted Mul's output, the un-smoothed LayerNorm output that residual Adds read. */
    public static final String RESTORED_SUFFIX = "/smoothquant/restored";

    private SmoothQuantFolding() {
    }

    /** @param scales s per site, keyed by {@link SmoothingSite#output()} */
    public static OnnxModel apply(OnnxModel model, List<SmoothingSite> sites, Map<String, float[]> scales) {
        Map<String, TensorProto> replaced = new HashMap<>();
        Map<String, SmoothingSite> restoreAfter = new HashMap<>();
        Map<String, String> rewire = new HashMap<>(); // reader node -> the site output it reads restored
        for (SmoothingSite site : sites) {
            float[] s = scales.get(site.output());
            if (s == null || s.length != site.channels()) {
                throw new IllegalArgumentException("no " + site.channels() + " scales for " + site.output());
            }
            replaced.put(site.gamma(), divided(model.initializer(site.gamma()).orElseThrow(), s));
            if (site.beta() != null) {
                replaced.put(site.beta(), divided(model.initializer(site.beta()).orElseThrow(), s));
            }
            for (Layer l : site.readers()) {
                replaced.put(l.weight(), rowsMultiplied(model.initializer(l.weight()).orElseThrow(), s));
            }
            if (!site.restoredReaders().isEmpty()) {
                restoreAfter.put(site.normNode(), site);
                site.restoredReaders().forEach(r -> rewire.put(r, site.output()));
            }
        }
        GraphProto.Builder g = model.graph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = replaced.get(g.getInitializer(i).getName());
            if (t != null) {
                g.setInitializer(i, t);
            }
        }
        List<NodeProto> nodes = new ArrayList<>(g.getNodeList());
        g.clearNode();
        for (NodeProto n : nodes) {
            String name = OnnxModel.nodeName(n);
            String read = rewire.get(name);
            if (read != null) {
                NodeProto.Builder b = n.toBuilder();
                for (int i = 0; i < b.getInputCount(); i++) {
                    if (b.getInput(i).equals(read)) {
                        b.setInput(i, read + RESTORED_SUFFIX);
                    }
                }
                n = b.build();
            }
            g.addNode(n);
            SmoothingSite site = restoreAfter.get(name);
            if (site != null) {
                // the LayerNorm's output is now y / s; the residual stream needs y, which (y / s) * s gives back
                String scale = site.output() + "/smoothquant/scale";
                g.addInitializer(Tensors.floatTensor(scale, new long[] {site.channels()}, scales.get(site.output())));
                g.addNode(NodeProto.newBuilder().setOpType("Mul").setName(site.output() + "/smoothquant/Mul")
                        .addInput(site.output()).addInput(scale).addOutput(site.output() + RESTORED_SUFFIX));
            }
        }
        ModelProto.Builder m = model.proto().toBuilder().setGraph(g);
        return new OnnxModel(m.build());
    }

    private static TensorProto divided(TensorProto t, float[] s) {
        float[] v = Tensors.floats(t);
        for (int j = 0; j < v.length; j++) {
            v[j] /= s[j];
        }
        return Tensors.floatTensor(t.getName(), Tensors.dims(t), v);
    }

    /** A [K, N] weight with row j times s_j: the input channel j that the activation lost, regained. */
    private static TensorProto rowsMultiplied(TensorProto t, float[] s) {
        float[] v = Tensors.floats(t);
        int cols = v.length / s.length;
        for (int j = 0; j < s.length; j++) {
            for (int k = 0; k < cols; k++) {
                v[j * cols + k] *= s[j];
            }
        }
        return Tensors.floatTensor(t.getName(), Tensors.dims(t), v);
    }
}
