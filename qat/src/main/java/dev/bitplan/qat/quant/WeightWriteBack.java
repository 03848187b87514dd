package dev.bitplan.qat.quant;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import dev.bitplan.engine.quant.ChannelLayout;
import dev.bitplan.engine.smooth.SmoothQuantFolding;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes tuned weights back into the float model the plan was quantized from, so that the engine scores, exports and
 * deploys the tuned model on its usual path. A layer's weight is written as its fake-quantized value ({@code s * q}): the
 * engine quantizes it again to the same grid values. A layer the plan smooths was trained in SmoothQuant's space (row j
 * times s_j); its rows are divided by s again, and the engine, given the same s ({@code Quantizer.fixSmoothing}),
 * multiplies them back. Where the plan folds a BatchNormalization, the tuned folded weight
 * and bias are unfolded into the layer and the BN's beta, which the engine folds back:
 * <pre>
 *   W = W' / f,  beta = b' - (b - m) f,  f = g / sqrt(v + e)     (the BN node then reads a new beta of its own)
 * </pre>
 */
public final class WeightWriteBack {

    private WeightWriteBack() {
    }

    /** The tuned model and how many weights were written back. */
    public record Result(ModelProto model, int layersWritten) {
    }

    public static Result write(OnnxModel source, List<TrainableLayer> layers) {
        Map<String, TensorProto> initializers = new LinkedHashMap<>(source.initializers());
        GraphProto.Builder graph = source.graph().toBuilder();
        Map<String, Integer> nodeIndex = new LinkedHashMap<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            nodeIndex.put(OnnxModel.nodeName(graph.getNode(i)), i);
        }
        for (TrainableLayer t : layers) {
            Layer layer = t.layer();
            float[] weight = t.fakeQuantizedWeight().toFloatArray();
            float[] bias = t.bias() == null ? null : t.bias().toFloatArray();
            if (t.smoothingScales() != null) {
                // the model as given is unsmoothed; the engine smooths it again with the same s
                weight = SmoothQuantFolding.rowsDivided(weight, t.smoothingScales());
            }
            if (!t.folded()) {
                initializers.put(layer.weight(), Tensors.floatTensor(layer.weight(), layer.weightDims(), weight));
                if (bias != null && layer.bias() != null) {
                    long[] dims = Tensors.dims(initializers.get(layer.bias()));
                    initializers.put(layer.bias(), Tensors.floatTensor(layer.bias(), dims, bias));
                }
                continue;
            }
            int bnIndex = nodeIndex.get(layer.batchNormNode());
            NodeProto bn = graph.getNode(bnIndex);
            float eps = OnnxModel.floatAttribute(bn, "epsilon", 1e-5f);
            float[] gamma = Tensors.floats(initializers.get(bn.getInput(1)));
            float[] beta = Tensors.floats(initializers.get(bn.getInput(2)));
            float[] mean = Tensors.floats(initializers.get(bn.getInput(3)));
            float[] var = Tensors.floats(initializers.get(bn.getInput(4)));
            float[] original = Tensors.floats(initializers.get(layer.weight()));
            float[] layerBias = layer.bias() == null ? null : Tensors.floats(initializers.get(layer.bias()));
            double[] factor = new double[gamma.length];
            for (int c = 0; c < factor.length; c++) {
                factor[c] = gamma[c] / Math.sqrt((double) var[c] + eps); // as the engine's BatchNormFolding computes it
            }
            ChannelLayout channels = new ChannelLayout(layer.weightDims(), layer.channelAxis());
            float[] unfolded = new float[weight.length];
            for (int i = 0; i < weight.length; i++) {
                double f = factor[channels.channelOf(i)];
                unfolded[i] = f == 0 ? original[i] : (float) (weight[i] / f);
            }
            initializers.put(layer.weight(), Tensors.floatTensor(layer.weight(), layer.weightDims(), unfolded));
            if (bias != null) {
                float[] newBeta = beta.clone();
                for (int c = 0; c < newBeta.length; c++) {
                    double b = layerBias == null ? 0.0 : layerBias[c];
                    newBeta[c] = (float) (bias[c] - (b - mean[c]) * factor[c]);
                }
                // a beta of its own: torch exports may share one beta initializer between BNs (the Fashion fixture does)
                String name = bn.getInput(2) + "__qat_" + layer.name().replaceAll("[^A-Za-z0-9_.]", "_");
                initializers.put(name, Tensors.floatTensor(name, Tensors.dims(initializers.get(bn.getInput(2))), newBeta));
                graph.setNode(bnIndex, bn.toBuilder().setInput(2, name));
            }
        }
        Set<String> used = new HashSet<>();
        graph.getNodeList().forEach(n -> used.addAll(n.getInputList()));
        graph.clearInitializer();
        initializers.values().stream().filter(t -> used.contains(t.getName())).forEach(graph::addInitializer);
        return new Result(source.proto().toBuilder().setGraph(graph).build(), layers.size());
    }
}
