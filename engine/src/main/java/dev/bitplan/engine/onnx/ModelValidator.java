package dev.bitplan.engine.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import dev.bitplan.engine.onnx.upgrade.OpsetUpgrade;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Structural checks on a parsed model, each failing with a message that says what to change. */
public final class ModelValidator {

    /** Oldest opset the engine rewrites correctly (Clip limits as inputs, DequantizeLinear present). */
    /** Models from here on are upgraded to {@link OpsetUpgrade#TARGET} before validation; older ones are refused there. */
    public static final int MIN_OPSET = OpsetUpgrade.OLDEST;

    /** Operator domains ONNX Runtime's CPU provider implements. */
    private static final Set<String> KNOWN_DOMAINS = Set.of("", "ai.onnx", "ai.onnx.ml", "com.microsoft",
            "ai.onnx.preview.training");

    private ModelValidator() {
    }

    public static void validate(OnnxModel model, String source) {
        checkOpset(model, source);
        checkDomains(model, source);
        checkExternalData(model, source);
        checkInputShapes(model, source);
    }

    private static void checkOpset(OnnxModel model, String source) {
        int opset = model.opset();
        if (opset == 0) {
            throw new InvalidInputException(Problem.UNUSABLE, source + " imports no opset of the default ONNX domain");
        }
        if (opset < MIN_OPSET) {
            throw new InvalidInputException(Problem.UNUSABLE, source + " uses opset " + opset + "; BitPlan needs opset "
                    + MIN_OPSET + " or newer (re-export with opset_version=13 or later)");
        }
    }

    private static void checkDomains(OnnxModel model, String source) {
        Set<String> unknown = new TreeSet<>();
        for (OperatorSetIdProto o : model.proto().getOpsetImportList()) {
            if (!KNOWN_DOMAINS.contains(o.getDomain())) {
                unknown.add(o.getDomain());
            }
        }
        List<String> nodes = new ArrayList<>();
        for (NodeProto n : model.nodes()) {
            if (!KNOWN_DOMAINS.contains(n.getDomain())) {
                unknown.add(n.getDomain());
                nodes.add(OnnxModel.nodeName(n) + " (" + n.getDomain() + "." + n.getOpType() + ")");
            }
        }
        if (!unknown.isEmpty()) {
            throw new InvalidInputException(Problem.UNUSABLE, source + " uses custom operator domain(s) " + unknown
                    + " that ONNX Runtime cannot run" + (nodes.isEmpty() ? "" : ": nodes " + nodes)
                    + "; export with standard ONNX operators only");
        }
    }

    /** An upload is one file, so any external-data reference points outside it: refuse all, naming traversal. */
    private static void checkExternalData(OnnxModel model, String source) {
        for (TensorProto t : model.graph().getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
                String location = t.getExternalDataList().stream().filter(e -> e.getKey().equals("location"))
                        .map(StringStringEntryProto::getValue).findFirst().orElse("?");
                boolean escapes = location.startsWith("/") || location.contains("..") || location.contains(":")
                        || location.startsWith("\\");
                throw new InvalidInputException(Problem.UNSAFE, source + ": initializer '" + t.getName()
                        + "' stores its data in an external file '" + location + "'"
                        + (escapes ? ", a path outside the uploaded file, which BitPlan never reads" : ", which is not part of the upload")
                        + "; save the model with all tensors inside the .onnx file (onnx.save(model, path, save_as_external_data=False))");
            }
        }
    }

    private static void checkInputShapes(OnnxModel model, String source) {
        for (ValueInfoProto v : model.realInputs()) {
            if (!v.getType().hasTensorType()) {
                throw new InvalidInputException(Problem.UNUSABLE, source + ": input '" + v.getName() + "' is not a tensor");
            }
            if (!v.getType().getTensorType().hasShape()) {
                throw new InvalidInputException(Problem.UNUSABLE, source + ": input '" + v.getName()
                        + "' declares no shape; export with a shape (dynamic axes are fine) so BitPlan can match data to it");
            }
        }
    }
}
