package dev.bitplan.engine.onnx.upgrade;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.bitplan.engine.onnx.GraphOutputs;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.SyntheticInputs;
import dev.bitplan.engine.runtime.OrtModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.runtime.TensorValue;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Ranks of intermediate tensors, measured by running the model once on a synthetic sample with them exposed: ONNX
 * Runtime runs every opset from 7, and this is simpler and more faithful than re-implementing shape inference.
 * Returns what it could measure; a model that does not run yields nothing, and callers fall back to rank-free rules.
 */
final class RankProbe {

    private RankProbe() {
    }

    static Map<String, Integer> ranks(ModelProto model, Set<String> tensors) {
        Map<String, Integer> out = new HashMap<>();
        if (tensors.isEmpty()) {
            return out;
        }
        OnnxModel m = new OnnxModel(model);
        try (OrtModel ort = OrtModel.load(GraphOutputs.withOutputs(m, tensors).toByteArray(), new RuntimeOptions(1, false))) {
            Map<String, TensorValue> values = ort.run(SyntheticInputs.of(m), tensors);
            values.forEach((name, value) -> out.put(name, value.shape().length));
        } catch (RuntimeException e) {
            // a model ORT cannot run on zeros: the upgrade keeps the rank-free form of every rule
        }
        return out;
    }
}
