package dev.bitplan.engine.cost;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.FusionMode;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerKind;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import dev.bitplan.engine.quant.BlockWiseRule;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Size and bit operations of a plan, per layer and in total. Size counts what a deployment stores:
 * weights at their bits (4-bit packed two per byte), one float32 scale per channel (or per tensor, or per block of a
 * block-wise 4-bit MatMul weight: K / block size x N of them),
 * float32 biases, BatchNormalization parameters where they are not folded, and every other constant
 * of the model as stored (the float remainder). Activation scales and zero points (5 bytes per tensor)
 * are left out.
 */
public final class CostModel {

    private static final int FLOAT_BITS = 32;

    private final List<Layer> layers;
    private final Map<String, Long> macs;
    private final boolean perChannel;
    private final int weightBlockSize;
    private final int opset;
    private final long remainderBytes;
    private final long fp32Bytes;

    /** @param macs multiply-accumulates per sample of each layer, by layer name */
    public CostModel(OnnxModel model, List<Layer> layers, Map<String, Long> macs, boolean perChannel) {
        this(model, layers, macs, perChannel, 0);
    }

    /** @param weightBlockSize block-wise 4-bit MatMul weights of this block size ({@link BlockWiseRule}), 0 for none */
    public CostModel(OnnxModel model, List<Layer> layers, Map<String, Long> macs, boolean perChannel, int weightBlockSize) {
        this.layers = layers;
        this.macs = macs;
        this.perChannel = perChannel;
        this.weightBlockSize = weightBlockSize;
        this.opset = model.opset();
        Set<String> owned = new HashSet<>();
        for (Layer l : layers) {
            owned.add(l.weight());
            if (l.bias() != null) {
                owned.add(l.bias());
            }
            if (l.hasBatchNorm()) {
                NodeProto bn = model.nodes().stream().filter(n -> OnnxModel.nodeName(n).equals(l.batchNormNode())).findFirst()
                        .orElseThrow();
                owned.addAll(bn.getInputList().subList(1, 5));
            }
        }
        long total = 0;
        long rest = 0;
        for (TensorProto t : model.initializers().values()) {
            long bytes = Tensors.storedBytes(t);
            total += bytes;
            if (!owned.contains(t.getName())) {
                rest += bytes;
            }
        }
        this.fp32Bytes = total;
        this.remainderBytes = rest;
    }

    /** Size of the float model: every constant as stored. */
    public long fp32Bytes() {
        return fp32Bytes;
    }

    /** Bytes of everything that belongs to no layer (the part of the size no plan changes). */
    public long remainderBytes() {
        return remainderBytes;
    }

    public long sizeBytes(QuantPlan plan) {
        long size = remainderBytes;
        for (Layer l : layers) {
            size += layerBytes(l, plan.choiceFor(l.name()));
        }
        return size;
    }

    /** Bytes a layer's own tensors take for this choice: weight, scales, bias, unfolded BN. */
    public long layerBytes(Layer l, LayerChoice choice) {
        long channels = l.outputChannels();
        long bnBytes = l.hasBatchNorm() ? 4 * 4 * channels : 0;
        long biasBytes = l.bias() != null ? 4 * channels : 0;
        if (choice.isFloat()) {
            return 4 * l.params() + biasBytes + bnBytes;
        }
        FusionMode mode = l.fusionModes().contains(choice.fusion()) ? choice.fusion() : FusionMode.FUSED;
        long weightBytes = (l.params() * choice.weightBits() + 7) / 8;
        long scales = blockWise(l, choice) ? l.params() / choice.blockSizeUnder(weightBlockSize) : perChannel ? channels : 1;
        long scaleBytes = 4L * scales;
        boolean folded = l.foldsBatchNorm(mode);
        return weightBytes + scaleBytes + (folded ? 4 * channels : biasBytes + bnBytes);
    }

    private boolean blockWise(Layer l, LayerChoice choice) {
        return !choice.isFloat() && BlockWiseRule.applies(l, choice.weightBits(), choice.blockSizeUnder(weightBlockSize), opset);
    }

    public long macs(Layer l) {
        return macs.getOrDefault(l.name(), 0L);
    }

    public long bops(QuantPlan plan, ActivationMode mode) {
        long total = 0;
        for (Layer l : layers) {
            total += layerBops(l, plan.choiceFor(l.name()), mode);
        }
        return total;
    }

    /** MACs x weight bits x activation bits; float parts count 32 bits. */
    public long layerBops(Layer l, LayerChoice choice, ActivationMode mode) {
        long m = macs(l);
        if (choice.isFloat()) {
            return m * FLOAT_BITS * FLOAT_BITS;
        }
        // a block-wise layer is weight-only whatever the mode: MatMulNBits reads float activations
        ActivationMode own = choice.activation() != null ? choice.activation() : mode;
        boolean quantizedActs = own != ActivationMode.WEIGHT_ONLY && l.kind() != LayerKind.GATHER && !blockWise(l, choice);
        return m * choice.weightBits() * (quantizedActs ? choice.activationBits() : FLOAT_BITS);
    }
}
