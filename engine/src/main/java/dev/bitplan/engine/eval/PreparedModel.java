package dev.bitplan.engine.eval;

import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerDiscovery;
import dev.bitplan.engine.onnx.ConstantFolder;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.ReshapeTargets;
import java.util.List;
import java.util.TreeSet;

/**
 * A validated model after constant folding (and constant reshape targets, {@link ReshapeTargets}), with its quantizable layers. Everything downstream
 * (calibration, rewrites, cost) works on {@link #folded()} so that tensor names agree.
 */
public record PreparedModel(OnnxModel folded, List<Layer> layers, List<String> skipped) {

    public static PreparedModel of(OnnxModel loaded) {
        // constant reshape targets too: the float reference and every quantized form are timed without the shape ops
        OnnxModel folded = ReshapeTargets.simplify(ConstantFolder.fold(loaded));
        return new PreparedModel(folded, LayerDiscovery.discover(folded), LayerDiscovery.skippedCandidates(folded));
    }

    /** Fails with a message naming what the model holds when there is nothing to quantize. */
    public PreparedModel requireLayers() {
        if (layers.isEmpty()) {
            TreeSet<String> ops = new TreeSet<>();
            folded.nodes().forEach(n -> ops.add(n.getOpType()));
            throw new InvalidInputException(Problem.UNUSABLE, "the model has no quantizable layer: BitPlan quantizes Conv, "
                    + "ConvTranspose, Gemm and MatMul with constant weights and Gather on constant tables; this model has "
                    + ops + (skipped.isEmpty() ? "" : " and " + skipped));
        }
        return this;
    }

    public Layer layer(String name) {
        return layers.stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new InvalidInputException(Problem.BAD_REQUEST, "no layer named '" + name + "'"));
    }

    public byte[] foldedBytes() {
        return folded.proto().toByteArray();
    }
}
