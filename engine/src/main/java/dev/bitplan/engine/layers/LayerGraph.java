package dev.bitplan.engine.layers;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.bitplan.engine.onnx.OnnxModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which layers feed which: layer A feeds layer B when B's input is computed from A's output through
 * non-layer ops only (Add, Relu, pooling, reshapes...). A residual skip counts: quantization errors
 * meet in the Add either way.
 */
public final class LayerGraph {

    /** One producer-consumer pair of layers. */
    public record Edge(Layer from, Layer to) {
    }

    private LayerGraph() {
    }

    public static List<Edge> edges(OnnxModel model, List<Layer> layers) {
        Map<String, Layer> byOutput = outputs(layers);
        List<Edge> edges = new ArrayList<>();
        for (Layer to : layers) {
            if (to.input() == null) {
                continue;
            }
            for (Layer from : producers(model, to.input(), byOutput)) {
                edges.add(new Edge(from, to));
            }
        }
        return edges;
    }

    /** Groups of layers whose outputs are added together directly (a residual block's main and shortcut paths). */
    public static List<List<Layer>> addGroups(OnnxModel model, List<Layer> layers) {
        Map<String, Layer> byOutput = outputs(layers);
        List<List<Layer>> groups = new ArrayList<>();
        for (NodeProto n : model.nodes()) {
            if (!n.getOpType().equals("Add") || !n.getDomain().isEmpty()) {
                continue;
            }
            List<Layer> meeting = new ArrayList<>();
            for (String in : n.getInputList()) {
                Layer l = byOutput.get(in);
                if (l != null && !meeting.contains(l)) {
                    meeting.add(l);
                }
            }
            if (meeting.size() > 1) {
                groups.add(meeting);
            }
        }
        return groups;
    }

    private static Map<String, Layer> outputs(List<Layer> layers) {
        Map<String, Layer> byOutput = new HashMap<>();
        for (Layer l : layers) {
            for (String t : List.of(l.rawOutput(), l.biasedOutput(), l.normalizedOutput(), l.groupOutput())) {
                byOutput.put(t, l);
            }
        }
        return byOutput;
    }

    private static Set<Layer> producers(OnnxModel model, String tensor, Map<String, Layer> byOutput) {
        Set<Layer> found = new LinkedHashSet<>();
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(tensor));
        while (!todo.isEmpty()) {
            String t = todo.pop();
            if (!seen.add(t)) {
                continue;
            }
            Layer layer = byOutput.get(t);
            if (layer != null) {
                found.add(layer);
                continue;
            }
            NodeProto n = model.producer(t).orElse(null);
            if (n == null) {
                continue; // a graph input or a constant
            }
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !model.isInitializer(in)) {
                    todo.push(in);
                }
            }
        }
        return found;
    }
}
