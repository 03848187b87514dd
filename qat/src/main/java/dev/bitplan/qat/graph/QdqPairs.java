package dev.bitplan.qat.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuses each QuantizeLinear (or DynamicQuantizeLinear) that only its DequantizeLinear reads into one node, so that a
 * fake-quantized activation costs a few passes over the tensor instead of a dozen: most of a QAT step on a small CNN was
 * these passes and their backward. The fused node reads the quantizer's inputs and writes the DequantizeLinear's output;
 * its op types are private to this package, never written into a model.
 */
final class QdqPairs {

    /** QuantizeLinear + DequantizeLinear with the same scale, zero point and axis: inputs (x, scale[, zero point]). */
    static final String FAKE_QUANTIZE = "bitplan.FakeQuantize";
    /** DynamicQuantizeLinear + DequantizeLinear of its three outputs: input x. */
    static final String DYNAMIC_FAKE_QUANTIZE = "bitplan.DynamicFakeQuantize";

    private QdqPairs() {
    }

    /** {@code nodes} in order with every fusable pair replaced by its fused node, placed where the DequantizeLinear was. */
    static List<NodeProto> fuse(List<NodeProto> nodes, Set<String> graphOutputs) {
        Map<String, Integer> reads = new HashMap<>();
        Map<String, NodeProto> readerOf = new HashMap<>();
        for (NodeProto n : nodes) {
            for (String in : n.getInputList()) {
                reads.merge(in, 1, Integer::sum);
                readerOf.put(in, n);
            }
        }
        Map<NodeProto, NodeProto> fusedAt = new HashMap<>(); // DequantizeLinear -> the fused node replacing it
        Set<NodeProto> absorbed = new HashSet<>();
        for (NodeProto q : nodes) {
            NodeProto dq = pairedDequantize(q, reads, readerOf, graphOutputs);
            if (dq != null) {
                fusedAt.put(dq, fused(q, dq));
                absorbed.add(q);
            }
        }
        List<NodeProto> out = new ArrayList<>(nodes.size());
        for (NodeProto n : nodes) {
            if (!absorbed.contains(n)) {
                out.add(fusedAt.getOrDefault(n, n));
            }
        }
        return out;
    }

    private static NodeProto pairedDequantize(NodeProto q, Map<String, Integer> reads, Map<String, NodeProto> readerOf,
                                              Set<String> graphOutputs) {
        boolean dynamic = q.getOpType().equals("DynamicQuantizeLinear");
        if (!dynamic && !q.getOpType().equals("QuantizeLinear") || !q.getDomain().isEmpty()) {
            return null;
        }
        for (String out : q.getOutputList()) {
            if (!out.isEmpty() && (graphOutputs.contains(out) || reads.getOrDefault(out, 0) != 1)) {
                return null;
            }
        }
        NodeProto dq = readerOf.get(q.getOutput(0));
        if (dq == null || !dq.getOpType().equals("DequantizeLinear") || !dq.getDomain().isEmpty()) {
            return null;
        }
        if (dynamic) {
            return q.getOutputCount() == 3 && dq.getInputList().equals(q.getOutputList()) ? dq : null;
        }
        boolean sameParameters = dq.getInputCount() == q.getInputCount() && dq.getInput(1).equals(q.getInput(1))
                && (q.getInputCount() < 3 || dq.getInput(2).equals(q.getInput(2)));
        boolean sameAxis = axis(q) == axis(dq) && blockSize(q) == 0 && blockSize(dq) == 0;
        return sameParameters && sameAxis ? dq : null;
    }

    private static NodeProto fused(NodeProto q, NodeProto dq) {
        boolean dynamic = q.getOpType().equals("DynamicQuantizeLinear");
        NodeProto.Builder b = NodeProto.newBuilder().setName(dq.getName()).setOpType(dynamic ? DYNAMIC_FAKE_QUANTIZE : FAKE_QUANTIZE)
                .addOutput(dq.getOutput(0)).addAllAttribute(q.getAttributeList());
        return dynamic ? b.addInput(q.getInput(0)).build() : b.addAllInput(q.getInputList()).build();
    }

    private static long axis(NodeProto n) {
        return intAttr(n, "axis", 1);
    }

    private static long blockSize(NodeProto n) {
        return intAttr(n, "block_size", 0);
    }

    private static long intAttr(NodeProto n, String name, long fallback) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return fallback;
    }
}
