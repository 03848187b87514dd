package dev.bitplan.engine.qdq;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import dev.bitplan.engine.quant.BatchNormFolding;
import dev.bitplan.engine.quant.BlockWiseRule;
import dev.bitplan.engine.quant.QuantizedWeight;
import dev.bitplan.engine.quant.WeightQuantizer;
import dev.bitplan.engine.smooth.SmoothQuantFolding;
import dev.bitplan.engine.smooth.Smoothing;
import dev.bitplan.engine.smooth.SmoothingSite;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Quantized weights per (layer, bits, BN folded or not, block size, SmoothQuant or not), computed once and reused:
 * sensitivity analysis rebuilds hundreds of plans that differ in one layer, and none of them should requantize the
 * others. It also holds the SmoothQuant scales smoothed weights are made with, so that whoever rewrites a plan with
 * these weights folds the same scales into the LayerNorms.
 */
public final class QuantizedWeightCache {

    private record Key(String layer, int bits, boolean folded, int blockSize, boolean smoothed) {
    }

    private final OnnxModel model;
    private final QuantizationOptions options;
    private final Supplier<Smoothing> smoothing;
    private final Map<Key, LayerWeights> cache = new ConcurrentHashMap<>();

    public QuantizedWeightCache(OnnxModel model, QuantizationOptions options) {
        this(model, options, () -> {
            throw new IllegalStateException("no SmoothQuant scales were measured for these weights");
        });
    }

    /** @param smoothing the model's SmoothQuant scales, asked for (and measured) only when a smoothed weight is */
    public QuantizedWeightCache(OnnxModel model, QuantizationOptions options, Supplier<Smoothing> smoothing) {
        this.model = model;
        this.options = options;
        this.smoothing = smoothing;
    }

    /** The SmoothQuant scales the smoothed weights are made with (measured on first use). */
    public Smoothing smoothing() {
        return smoothing.get();
    }

    /** At the job's granularity ({@link QuantizationOptions#weightBlockSize()}). */
    public LayerWeights weights(Layer layer, int bits, boolean foldBatchNorm) {
        return weights(layer, bits, foldBatchNorm, options.weightBlockSize());
    }

    /** With blocks of {@code blockSize} where {@link BlockWiseRule} allows them (0: per-channel or per-tensor). */
    public LayerWeights weights(Layer layer, int bits, boolean foldBatchNorm, int blockSize) {
        return weights(layer, bits, foldBatchNorm, blockSize, false);
    }

    /** The same, from the weight rows scaled by the layer's SmoothQuant scales when {@code smoothed}. */
    public LayerWeights weights(Layer layer, int bits, boolean foldBatchNorm, int blockSize, boolean smoothed) {
        int blocks = blockWise(layer, bits, blockSize) ? blockSize : 0; // a layer blocks cannot apply to shares the plain entry
        return cache.computeIfAbsent(new Key(layer.name(), bits, foldBatchNorm, blocks, smoothed),
                k -> compute(layer, bits, foldBatchNorm, blocks, smoothed));
    }

    /** Float weight and bias, smoothed or not (a MatMul has no BatchNormalization to fold), before quantization. */
    public BatchNormFolding.Folded floatWeights(Layer layer, boolean foldBatchNorm, boolean smoothed) {
        BatchNormFolding.Folded f = floatWeights(layer, foldBatchNorm);
        if (!smoothed) {
            return f;
        }
        SmoothingSite site = smoothing().siteOf(layer.name()).orElseThrow(() -> new IllegalArgumentException("layer " + layer.name()
                + " reads no LayerNorm output that SmoothQuant can fold into"));
        return new BatchNormFolding.Folded(SmoothQuantFolding.rowsMultiplied(f.weight(), smoothing().scales(site)), f.bias());
    }

    /** Float weight and bias after folding (or as stored), before quantization. */
    public BatchNormFolding.Folded floatWeights(Layer layer, boolean foldBatchNorm) {
        float[] w = Tensors.floats(model.initializer(layer.weight()).orElseThrow());
        float[] b = layer.bias() == null ? null : Tensors.floats(model.initializer(layer.bias()).orElseThrow());
        if (!foldBatchNorm || !layer.hasBatchNorm()) {
            return new BatchNormFolding.Folded(w, b);
        }
        NodeProto bn = model.nodes().stream().filter(n -> OnnxModel.nodeName(n).equals(layer.batchNormNode())).findFirst()
                .orElseThrow();
        float eps = OnnxModel.floatAttribute(bn, "epsilon", 1e-5f);
        return BatchNormFolding.fold(w, layer.weightDims(), layer.channelAxis(), b, param(bn, 1), param(bn, 2), param(bn, 3),
                param(bn, 4), eps);
    }

    /** Whether this layer's weights at these bits are block-wise with blocks of {@code blockSize} ({@link BlockWiseRule}). */
    public boolean blockWise(Layer layer, int bits, int blockSize) {
        return BlockWiseRule.applies(layer, bits, blockSize, model.opset());
    }

    private float[] param(NodeProto bn, int input) {
        return Tensors.floats(model.initializer(bn.getInput(input)).orElseThrow());
    }

    private LayerWeights compute(Layer layer, int bits, boolean fold, int blockSize, boolean smoothed) {
        BatchNormFolding.Folded f = floatWeights(layer, fold, smoothed);
        QuantizedWeight q = blockSize > 0
                ? WeightQuantizer.quantizeBlockWise(f.weight(), layer.weightDims(), BlockWiseRule.blockedAxis(layer),
                        blockSize, bits, options.weightClipping())
                : WeightQuantizer.quantize(f.weight(), layer.weightDims(), layer.channelAxis(), bits, options.perChannel(),
                        options.weightClipping());
        return new LayerWeights(q, q.dequantize(), f.bias());
    }
}
