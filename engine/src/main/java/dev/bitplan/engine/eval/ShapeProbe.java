package dev.bitplan.engine.eval;

import dev.bitplan.engine.cost.MacCounter;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerKind;
import dev.bitplan.engine.onnx.GraphOutputs;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.SyntheticInputs;
import dev.bitplan.engine.runtime.OrtModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.runtime.TensorValue;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Finds each layer's MACs by running the model once on one sample with the layers' tensors exposed:
 * simpler and more faithful than re-implementing ONNX shape inference for every op.
 */
public final class ShapeProbe {

    private ShapeProbe() {
    }

    /** MACs per sample by layer name; {@code inputs} are full arrays whose first sample is used. */
    public static Map<String, Long> macs(PreparedModel model, Map<String, NdArray> inputs) {
        Map<String, NdArray> one = new LinkedHashMap<>();
        inputs.forEach((k, v) -> one.put(k, v.selectSamples(new int[] {0})));
        Set<String> graphInputs = new HashSet<>();
        model.folded().realInputs().forEach(v -> graphInputs.add(v.getName()));
        Set<String> wanted = new HashSet<>();
        for (Layer l : model.layers()) {
            wanted.add(l.rawOutput());
            if (l.input() != null && !graphInputs.contains(l.input())) {
                wanted.add(l.input());
            }
        }
        byte[] bytes = GraphOutputs.withOutputs(model.folded(), wanted).toByteArray();
        Map<String, TensorValue> values;
        try (OrtModel ort = OrtModel.load(bytes, new RuntimeOptions(1, false))) {
            values = ort.run(one, wanted);
        }
        Map<String, Long> macs = new LinkedHashMap<>();
        for (Layer l : model.layers()) {
            long[] out = values.get(l.rawOutput()).shape();
            long[] in = l.input() == null ? null
                    : graphInputs.contains(l.input()) ? one.get(l.input()).shape() : values.get(l.input()).shape();
            macs.put(l.name(), l.kind() == LayerKind.GATHER ? 0L : MacCounter.macs(l, in, out));
        }
        return macs;
    }

    /** One all-zero sample per model input, dynamic dims set to 1: for inspecting a model without data. */
    public static Map<String, NdArray> syntheticSample(OnnxModel model) {
        return SyntheticInputs.of(model);
    }
}
