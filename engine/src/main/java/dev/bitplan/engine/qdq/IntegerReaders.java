package dev.bitplan.engine.qdq;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.bitplan.engine.onnx.OnnxModel;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decides where a quantized layer's output is quantized for every reader: only where the value flows on into integer
 * compute. A tensor qualifies when it is no graph output and every reader is either a layer the plan quantizes (which
 * reads it as its quantized input) or an op that integer runtimes carry on quantized values (a residual Add, Relu,
 * pooling, reshapes; {@link #CARRIERS}) whose outputs qualify in turn.
 * <pre>
 *   CNN:   Conv -> BN -> Add(residual) -> Relu -> Conv (quantized)          output quantized: QLinearConv, QLinearAdd
 *   BERT:  MatMul(FFN out) -> Add(bias) -> Add(residual) -> LayerNorm      output left float: LayerNorm reads floats,
 *          and a per-tensor scale cannot hold the few huge hidden dimensions of the residual stream
 * </pre>
 */
final class IntegerReaders {

    /** Ops whose quantized forms (QLinearAdd, QLinearConcat, QLinearAveragePool, ...) or layout-only nature keep a value integer. */
    static final Set<String> CARRIERS = Set.of("Add", "Mul", "Relu", "Clip", "LeakyRelu", "Sigmoid", "MaxPool", "AveragePool",
            "GlobalAveragePool", "Concat", "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Identity", "Resize",
            "BatchNormalization");

    private final OnnxModel model;
    private final Set<String> quantizedLayerNodes;
    private final Map<String, Boolean> memo = new HashMap<>();

    /** @param quantizedLayerNodes  node names of the layers the plan quantizes with activations */
    IntegerReaders(OnnxModel model, Set<String> quantizedLayerNodes) {
        this.model = model;
        this.quantizedLayerNodes = quantizedLayerNodes;
    }

    /** Whether {@code tensor} flows only into integer compute, so quantizing it in place serves every reader. */
    boolean onlyInteger(String tensor) {
        Boolean known = memo.get(tensor);
        if (known != null) {
            return known;
        }
        memo.put(tensor, false); // a graph is acyclic; this only guards against malformed input
        boolean result = !model.isGraphOutput(tensor) && !model.consumers(tensor).isEmpty();
        for (NodeProto reader : model.consumers(tensor)) {
            if (!result) {
                break;
            }
            if (quantizedLayerNodes.contains(OnnxModel.nodeName(reader)) && reader.getInput(0).equals(tensor)) {
                continue;
            }
            result = CARRIERS.contains(reader.getOpType()) && reader.getDomain().isEmpty()
                    && reader.getOutputList().stream().allMatch(this::onlyInteger);
        }
        memo.put(tensor, result);
        return result;
    }
}
