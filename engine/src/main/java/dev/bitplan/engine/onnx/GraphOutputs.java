package dev.bitplan.engine.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** Exposes intermediate float tensors as extra graph outputs, so one run can fetch them (calibration, shapes). */
public final class GraphOutputs {

    private GraphOutputs() {
    }

    public static ModelProto withOutputs(OnnxModel model, Collection<String> tensors) {
        GraphProto.Builder g = model.graph().toBuilder();
        Set<String> present = new HashSet<>();
        g.getOutputList().forEach(v -> present.add(v.getName()));
        TypeProto floatType = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(Tensors.FLOAT)).build();
        for (String t : tensors) {
            if (present.add(t)) {
                g.addOutput(ValueInfoProto.newBuilder().setName(t).setType(floatType));
            }
        }
        return model.proto().toBuilder().setGraph(g).build();
    }
}
