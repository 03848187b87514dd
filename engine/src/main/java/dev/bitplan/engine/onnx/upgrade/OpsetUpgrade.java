package dev.bitplan.engine.onnx.upgrade;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import dev.bitplan.engine.onnx.OnnxModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Brings a model from opset 7 to 20 up to {@link #TARGET}, as ONNX Runtime's quantizer does with ONNX's version
 * converter, so that everything downstream sees one opset: DequantizeLinear with a per-channel axis (13), packed int4
 * and block-wise scales (21), attributes that became inputs as inputs, Softmax with today's meaning. Node names and
 * tensor names stay; rules are in {@link NodeUpgrades}. An operator it does not know is refused, naming the node, the
 * op and the opset.
 */
public final class OpsetUpgrade {

    /**
     * What models are brought to: the first opset that stores int4 packed, two values a byte (ONNX Runtime 1.20 and
     * later run it), so that a 4-bit weight costs half an 8-bit one in the exported file, not the same.
     */
    public static final int TARGET = 21;
    /** The first opset with a per-channel DequantizeLinear: where the rules for older models stop. */
    static final int PER_CHANNEL = 13;
    /** The oldest opset the rules cover. */
    public static final int OLDEST = 7;

    private OpsetUpgrade() {
    }

    /** The model at {@link #TARGET}, or the model itself when it is there already. */
    public static ModelProto toTarget(ModelProto model, String source) {
        int from = new OnnxModel(model).opset();
        if (from >= TARGET || from == 0) {
            return model;
        }
        if (from < OLDEST) {
            throw new InvalidInputException(Problem.UNUSABLE, source + " uses opset " + from + "; BitPlan upgrades models from opset "
                    + OLDEST + " on (re-export with opset_version=13 or later)");
        }
        GraphProto g = model.getGraph();
        UpgradeGraph graph = new UpgradeGraph(g);
        NodeUpgrades rules = new NodeUpgrades(graph, new Ranks(model));
        List<NodeProto> nodes = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            if (!(n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"))) {
                nodes.add(n);
                continue;
            }
            List<NodeProto> at13 = from < PER_CHANNEL ? rules.upgrade(n, from) : List.of(n);
            for (NodeProto m : at13) {
                nodes.add(rules.upgradeFrom13(m, Math.max(from, PER_CHANNEL)));
            }
        }
        GraphProto upgraded = g.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(graph.addedInitializers()).build();
        ModelProto.Builder b = model.toBuilder().setGraph(upgraded).clearOpsetImport();
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            boolean onnx = o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx");
            b.addOpsetImport(onnx ? o.toBuilder().setVersion(TARGET).build() : o);
        }
        // opset 21 and int4 tensors need IR version 10 or newer
        b.setIrVersion(Math.max(model.getIrVersion(), 10));
        // recorded in the model, so inspect, reports and every export carry where it came from
        b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(OnnxModel.UPGRADED_FROM_KEY).setValue(Integer.toString(from)));
        return b.build();
    }

    /** Ranks as declared (inputs, outputs, value_info), else measured once by running the original model. */
    private static final class Ranks implements NodeUpgrades.RankLookup {

        private final ModelProto model;
        private final Map<String, Integer> declared = new HashMap<>();
        private Map<String, Integer> probed;

        Ranks(ModelProto model) {
            this.model = model;
            GraphProto g = model.getGraph();
            for (List<ValueInfoProto> list : List.of(g.getInputList(), g.getOutputList(), g.getValueInfoList())) {
                for (ValueInfoProto v : list) {
                    if (v.getType().getTensorType().hasShape()) {
                        declared.put(v.getName(), v.getType().getTensorType().getShape().getDimCount());
                    }
                }
            }
        }

        @Override
        public OptionalInt rank(String tensor) {
            Integer r = declared.get(tensor);
            if (r != null) {
                return OptionalInt.of(r);
            }
            if (probed == null) {
                Set<String> wanted = model.getGraph().getNodeList().stream()
                        .filter(n -> Set.of("Softmax", "LogSoftmax", "Hardmax").contains(n.getOpType()))
                        .map(n -> n.getInput(0)).filter(t -> !declared.containsKey(t)).collect(Collectors.toSet());
                probed = RankProbe.ranks(model, wanted);
            }
            Integer p = probed.get(tensor);
            return p == null ? OptionalInt.empty() : OptionalInt.of(p);
        }
    }
}
