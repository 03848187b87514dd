package dev.bitplan.engine.qdq;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import java.util.List;

/**
 * Folds every foldable BatchNormalization into its layer and keeps everything float: the model a
 * fully fused deployment computes before any rounding, used to check folding on its own.
 * <pre>
 *   Conv(W, b) -> BN(g, beta, m, v) -> Relu      becomes      Conv(W', b') -> Relu
 * </pre>
 */
public final class FoldedFloatModel {

    private FoldedFloatModel() {
    }

    public static ModelProto of(OnnxModel model, List<Layer> layers) {
        QuantizedWeightCache store = new QuantizedWeightCache(model, dev.bitplan.contracts.plan.QuantizationOptions.defaults());
        GraphEdit edit = new GraphEdit(model);
        for (Layer layer : layers) {
            if (!layer.hasBatchNorm()) {
                continue;
            }
            var folded = store.floatWeights(layer, true);
            String name = layer.weight() + "__" + PlanRewriter.sanitize(layer.name()) + "_folded";
            edit.putInitializer(Tensors.floatTensor(name, layer.weightDims(), folded.weight()));
            edit.node(layer.name()).setInput(1, name);
            PlanRewriter.foldBatchNorm(edit, model, layer, folded.bias());
        }
        return edit.build();
    }
}
