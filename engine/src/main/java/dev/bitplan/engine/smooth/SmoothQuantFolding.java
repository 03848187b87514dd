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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a float model in which chosen readers of a LayerNorm read its smoothed output. Per site with at least one such
 * reader: gamma and beta divided by s, so the LayerNorm writes {@code y / s} (as {@link Smoothing#smoothedTensor}); the
 * smoothed readers read that, with weight row j multiplied by s_j; everything else that read {@code y} (the residual
 * Add, the readers that are not smoothed) still reads {@code y}, which one inserted {@code Mul} by s gives back. Every
 * other tensor and node keeps its name, so layers, plans and calibrated ranges find theirs again.
 * <p>
 * A site whose LayerNorm is not in the model (one layer cut out of it, reading {@code y} as a graph input) gets
 * {@code y / s} from a {@code Mul} by 1/s instead: the same values to float rounding.
 */
public final class SmoothQuantFolding {

    private SmoothQuantFolding() {
    }

    /** Every reader of every site smoothed, weights included: the whole model's SmoothQuant form, exact in FP32. */
    public static OnnxModel applyToAll(OnnxModel model, Smoothing smoothing) {
        return apply(model, smoothing, allReaders(smoothing), true);
    }

    /** The names of every layer that reads a site. */
    public static Set<String> allReaders(Smoothing smoothing) {
        Set<String> out = new LinkedHashSet<>();
        smoothing.sites().forEach(s -> s.readers().forEach(l -> out.add(l.name())));
        return out;
    }

    /**
     * @param smoothedReaders names of the MatMul layers that read their site's smoothed output (others are ignored)
     * @param scaleWeights    whether to multiply those readers' weight rows here; false where the caller replaces the
     *                        weights anyway (the plan rewriter swaps in quantized weights computed from the scaled rows)
     */
    public static OnnxModel apply(OnnxModel model, Smoothing smoothing, Set<String> smoothedReaders, boolean scaleWeights) {
        Map<String, TensorProto> replaced = new HashMap<>();
        Map<String, SmoothingSite> foldAt = new HashMap<>(); // LayerNorm node -> its site
        Map<String, String> rewire = new HashMap<>(); // smoothed reader node -> the tensor it reads now
        List<NodeProto> atFront = new ArrayList<>();
        List<TensorProto> added = new ArrayList<>();
        for (SmoothingSite site : smoothing.sites()) {
            List<Layer> readers = site.readers().stream()
                    .filter(l -> smoothedReaders.contains(l.name()) && reads(model, l, site)).toList();
            if (readers.isEmpty()) {
                continue;
            }
            float[] s = smoothing.scales(site);
            String smoothed = Smoothing.smoothedTensor(site);
            readers.forEach(l -> rewire.put(l.name(), smoothed));
            if (scaleWeights) {
                readers.forEach(l -> replaced.put(l.weight(), rowsMultiplied(model.initializer(l.weight()).orElseThrow(), s)));
            }
            boolean normHere = model.producer(site.output()).map(n -> OnnxModel.nodeName(n).equals(site.normNode())).orElse(false);
            if (normHere) {
                replaced.put(site.gamma(), divided(model.initializer(site.gamma()).orElseThrow(), s));
                if (site.beta() != null) {
                    replaced.put(site.beta(), divided(model.initializer(site.beta()).orElseThrow(), s));
                }
                foldAt.put(site.normNode(), site);
            } else {
                // the LayerNorm is elsewhere (a layer cut out of the model): divide its output here instead
                String name = site.output() + "/smoothquant/inverse";
                float[] inverse = new float[s.length];
                for (int j = 0; j < s.length; j++) {
                    inverse[j] = 1f / s[j];
                }
                added.add(Tensors.floatTensor(name, new long[] {s.length}, inverse));
                atFront.add(mul(site.output() + "/smoothquant/Div", site.output(), name, smoothed));
            }
        }
        GraphProto.Builder g = model.graph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = replaced.get(g.getInitializer(i).getName());
            if (t != null) {
                g.setInitializer(i, t);
            }
        }
        g.addAllInitializer(added);
        List<NodeProto> nodes = new ArrayList<>(g.getNodeList());
        g.clearNode();
        g.addAllNode(atFront);
        for (NodeProto n : nodes) {
            String name = OnnxModel.nodeName(n);
            String reads = rewire.get(name);
            SmoothingSite site = foldAt.get(name);
            if (reads != null) {
                n = n.toBuilder().setInput(0, reads).build();
            }
            if (site == null) {
                g.addNode(n);
                continue;
            }
            // the LayerNorm now writes y / s; whoever still reads y (the residual Add, readers left as they were) gets it
            // back from (y / s) * s, and a site every reader of which is smoothed needs no such Mul
            String smoothed = Smoothing.smoothedTensor(site);
            NodeProto.Builder b = n.toBuilder();
            b.setOutput(b.getOutputList().indexOf(site.output()), smoothed);
            g.addNode(b.build());
            boolean stillRead = model.consumers(site.output()).stream().anyMatch(c -> !rewire.containsKey(OnnxModel.nodeName(c)));
            if (stillRead) {
                String scale = site.output() + "/smoothquant/scale";
                g.addInitializer(Tensors.floatTensor(scale, new long[] {site.channels()}, smoothing.scales(site)));
                g.addNode(mul(site.output() + "/smoothquant/Mul", smoothed, scale, site.output()));
            }
        }
        ModelProto.Builder m = model.proto().toBuilder().setGraph(g);
        return new OnnxModel(m.build());
    }

    /**
     * The model with {@code y / s} computed beside every site's {@code y} by a Mul by 1/s, nothing else changed: what
     * calibration runs to measure the smoothed tensors' ranges for every site at once.
     */
    public static OnnxModel withSmoothedTaps(OnnxModel model, Smoothing smoothing) {
        GraphProto.Builder g = model.graph().toBuilder();
        List<NodeProto> nodes = new ArrayList<>(g.getNodeList());
        Map<String, NodeProto> tapAfter = new HashMap<>();
        for (SmoothingSite site : smoothing.sites()) {
            float[] s = smoothing.scales(site);
            float[] inverse = new float[s.length];
            for (int j = 0; j < s.length; j++) {
                inverse[j] = 1f / s[j];
            }
            String name = site.output() + "/smoothquant/inverse";
            g.addInitializer(Tensors.floatTensor(name, new long[] {s.length}, inverse));
            tapAfter.put(site.normNode(), mul(site.output() + "/smoothquant/Div", site.output(), name, Smoothing.smoothedTensor(site)));
        }
        g.clearNode();
        for (NodeProto n : nodes) {
            g.addNode(n);
            NodeProto tap = tapAfter.get(OnnxModel.nodeName(n));
            if (tap != null) {
                g.addNode(tap);
            }
        }
        return new OnnxModel(model.proto().toBuilder().setGraph(g).build());
    }

    /** Whether the layer's node is in this model, reading the site's output. */
    private static boolean reads(OnnxModel model, Layer layer, SmoothingSite site) {
        return model.consumers(site.output()).stream().anyMatch(c -> OnnxModel.nodeName(c).equals(layer.name()));
    }

    private static NodeProto mul(String name, String a, String b, String out) {
        return NodeProto.newBuilder().setOpType("Mul").setName(name).addInput(a).addInput(b).addOutput(out).build();
    }

    private static TensorProto divided(TensorProto t, float[] s) {
        float[] v = Tensors.floats(t);
        for (int j = 0; j < v.length; j++) {
            v[j] /= s[j];
        }
        return Tensors.floatTensor(t.getName(), Tensors.dims(t), v);
    }

    /** A [K, N] weight with row j times s_j: the input channel j that the activation lost, regained. */
    public static float[] rowsMultiplied(float[] w, float[] s) {
        return rowsScaled(w, s, false);
    }

    /** A [K, N] weight with row j divided by s_j: a smoothed weight made plain again (QAT writes tuned weights back so). */
    public static float[] rowsDivided(float[] w, float[] s) {
        return rowsScaled(w, s, true);
    }

    private static float[] rowsScaled(float[] w, float[] s, boolean divide) {
        float[] v = w.clone();
        int cols = v.length / s.length;
        for (int j = 0; j < s.length; j++) {
            for (int k = 0; k < cols; k++) {
                v[j * cols + k] = divide ? v[j * cols + k] / s[j] : v[j * cols + k] * s[j];
            }
        }
        return v;
    }

    private static TensorProto rowsMultiplied(TensorProto t, float[] s) {
        return Tensors.floatTensor(t.getName(), Tensors.dims(t), rowsMultiplied(Tensors.floats(t), s));
    }
}
