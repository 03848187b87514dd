package dev.bitplan.engine.eval;

import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.bitplan.contracts.report.ModelInspection;
import dev.bitplan.contracts.report.ModelInspection.LayerInfo;
import dev.bitplan.contracts.report.ModelInspection.TensorSpec;
import dev.bitplan.engine.cost.CostModel;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builds the {@link ModelInspection} of a model: used by {@code bitplan inspect} and by upload validation. */
public final class ModelInspector {

    private ModelInspector() {
    }

    public static ModelInspection inspect(OnnxModel loaded) {
        PreparedModel model = PreparedModel.of(loaded);
        List<String> blockers = new ArrayList<>(model.skipped());
        Map<String, Long> macs = Map.of();
        if (model.layers().isEmpty()) {
            try {
                model.requireLayers();
            } catch (RuntimeException e) {
                blockers.add(e.getMessage());
            }
        } else {
            macs = ShapeProbe.macs(model, ShapeProbe.syntheticSample(model.folded()));
        }
        CostModel cost = new CostModel(model.folded(), model.layers(), macs, true);
        List<LayerInfo> layers = new ArrayList<>();
        for (Layer l : model.layers()) {
            layers.add(new LayerInfo(l.name(), l.kind().name(), l.pattern(), Arrays.stream(l.weightDims()).boxed().toList(),
                    l.params(), cost.macs(l), l.fusionModes().stream().map(Enum::name).toList()));
        }
        return new ModelInspection(ModelInspection.SCHEMA_VERSION, loaded.opset(), loaded.sourceOpset(), loaded.proto().getIrVersion(),
                (loaded.proto().getProducerName() + " " + loaded.proto().getProducerVersion()).trim(),
                specs(loaded.realInputs()), specs(loaded.outputs()), cost.fp32Bytes(), layers, blockers);
    }

    private static List<TensorSpec> specs(List<ValueInfoProto> values) {
        return values.stream().map(v -> new TensorSpec(v.getName(), elementType(v.getType().getTensorType().getElemType()),
                Arrays.stream(OnnxModel.declaredShape(v)).boxed().toList())).toList();
    }

    private static String elementType(int type) {
        return switch (type) {
            case Tensors.FLOAT -> "float32";
            case Tensors.INT64 -> "int64";
            case Tensors.INT32 -> "int32";
            case Tensors.UINT8 -> "uint8";
            case Tensors.INT8 -> "int8";
            case Tensors.DOUBLE -> "float64";
            default -> "type " + type;
        };
    }
}
