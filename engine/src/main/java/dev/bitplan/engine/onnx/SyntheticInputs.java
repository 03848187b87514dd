package dev.bitplan.engine.onnx;

import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.bitplan.engine.data.DType;
import dev.bitplan.engine.data.NdArray;
import java.util.LinkedHashMap;
import java.util.Map;

/** One all-zero sample per model input, dynamic dims set to 1: for running a model without data (shapes, ranks). */
public final class SyntheticInputs {

    private SyntheticInputs() {
    }

    public static Map<String, NdArray> of(OnnxModel model) {
        Map<String, NdArray> out = new LinkedHashMap<>();
        for (ValueInfoProto v : model.realInputs()) {
            long[] shape = OnnxModel.declaredShape(v);
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shape[i] > 0 ? shape[i] : 1;
            }
            int n = Math.toIntExact(NdArray.elementCount(shape));
            int type = v.getType().getTensorType().getElemType();
            out.put(v.getName(), type == Tensors.INT64 || type == Tensors.INT32
                    ? NdArray.ofLongs(v.getName(), DType.INT64, shape, new long[n])
                    : NdArray.ofFloats(v.getName(), shape, new float[n]));
        }
        return out;
    }
}
