package dev.bitplan.qat.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.bitplan.engine.onnx.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** ONNX initializers and constants as DJL arrays, in the element type ONNX gives them. */
final class TensorConversion {

    private TensorConversion() {
    }

    static NDArray toNDArray(NDManager manager, TensorProto t) {
        Shape shape = new Shape(Tensors.dims(t));
        int type = t.getDataType();
        return switch (type) {
            case TensorProto.DataType.FLOAT_VALUE, TensorProto.DataType.DOUBLE_VALUE -> manager.create(Tensors.floats(t), shape);
            case TensorProto.DataType.INT64_VALUE -> manager.create(Tensors.longs(t), shape);
            case TensorProto.DataType.INT32_VALUE -> manager.create(Tensors.longs(t), shape).toType(DataType.INT32, false);
            case TensorProto.DataType.UINT8_VALUE, TensorProto.DataType.INT8_VALUE, TensorProto.DataType.BOOL_VALUE ->
                    bytes(manager, t, shape, type);
            default -> throw new IllegalArgumentException("tensor '" + t.getName() + "' has ONNX element type " + type
                    + ", which the QAT importer does not read");
        };
    }

    private static NDArray bytes(NDManager manager, TensorProto t, Shape shape, int type) {
        int n = Math.toIntExact(Tensors.elementCount(t));
        byte[] values = new byte[n];
        if (!t.getRawData().isEmpty()) {
            t.getRawData().copyTo(values, 0);
        } else {
            for (int i = 0; i < n; i++) {
                values[i] = (byte) t.getInt32Data(i);
            }
        }
        DataType dt = switch (type) {
            case TensorProto.DataType.UINT8_VALUE -> DataType.UINT8;
            case TensorProto.DataType.INT8_VALUE -> DataType.INT8;
            default -> DataType.BOOLEAN;
        };
        ByteBuffer buffer = ByteBuffer.allocateDirect(n).order(ByteOrder.nativeOrder());
        buffer.put(values).rewind();
        return manager.create(buffer, shape, dt);
    }

    /** The DJL element type of an ONNX {@code to} attribute (Cast). */
    static DataType dataType(long onnxType) {
        return switch ((int) onnxType) {
            case TensorProto.DataType.FLOAT_VALUE -> DataType.FLOAT32;
            case TensorProto.DataType.DOUBLE_VALUE -> DataType.FLOAT64;
            case TensorProto.DataType.FLOAT16_VALUE -> DataType.FLOAT16;
            case TensorProto.DataType.INT64_VALUE -> DataType.INT64;
            case TensorProto.DataType.INT32_VALUE -> DataType.INT32;
            case TensorProto.DataType.INT8_VALUE -> DataType.INT8;
            case TensorProto.DataType.UINT8_VALUE -> DataType.UINT8;
            case TensorProto.DataType.BOOL_VALUE -> DataType.BOOLEAN;
            default -> null;
        };
    }
}
