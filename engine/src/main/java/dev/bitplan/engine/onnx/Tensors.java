package dev.bitplan.engine.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads and writes the values of ONNX {@link TensorProto}s (raw little-endian data or the typed fields). */
public final class Tensors {

    public static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    public static final int UINT8 = TensorProto.DataType.UINT8_VALUE;
    public static final int INT8 = TensorProto.DataType.INT8_VALUE;
    public static final int INT32 = TensorProto.DataType.INT32_VALUE;
    public static final int INT64 = TensorProto.DataType.INT64_VALUE;
    public static final int DOUBLE = TensorProto.DataType.DOUBLE_VALUE;
    /** INT4 (ONNX 1.16, opset 21); not in the enum of the generated classes we use. */
    public static final int INT4 = 22;

    private Tensors() {
    }

    public static long[] dims(TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    public static long elementCount(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        return n;
    }

    public static boolean isFloat(TensorProto t) {
        return t.getDataType() == FLOAT;
    }

    /** Values of a FLOAT or DOUBLE tensor as float32. */
    public static float[] floats(TensorProto t) {
        int n = Math.toIntExact(elementCount(t));
        float[] out = new float[n];
        if (t.getDataType() == FLOAT) {
            if (!t.getRawData().isEmpty()) {
                order(t.getRawData()).asFloatBuffer().get(out);
            } else {
                for (int i = 0; i < n; i++) {
                    out[i] = t.getFloatData(i);
                }
            }
        } else if (t.getDataType() == DOUBLE) {
            if (!t.getRawData().isEmpty()) {
                ByteBuffer b = order(t.getRawData());
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble();
                }
            } else {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) t.getDoubleData(i);
                }
            }
        } else {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' is of type " + t.getDataType() + ", not float");
        }
        return out;
    }

    /** Values of an INT64 or INT32 tensor as long. */
    public static long[] longs(TensorProto t) {
        int n = Math.toIntExact(elementCount(t));
        long[] out = new long[n];
        if (t.getDataType() == INT64) {
            if (!t.getRawData().isEmpty()) {
                order(t.getRawData()).asLongBuffer().get(out);
            } else {
                for (int i = 0; i < n; i++) {
                    out[i] = t.getInt64Data(i);
                }
            }
        } else if (t.getDataType() == INT32) {
            if (!t.getRawData().isEmpty()) {
                ByteBuffer b = order(t.getRawData());
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt();
                }
            } else {
                for (int i = 0; i < n; i++) {
                    out[i] = t.getInt32Data(i);
                }
            }
        } else {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' is of type " + t.getDataType() + ", not int64/int32");
        }
        return out;
    }

    public static TensorProto floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return raw(name, FLOAT, dims, b.array());
    }

    /** Float values stored as DOUBLE (for constants that were double in the source model). */
    public static TensorProto doubleTensor(String name, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putDouble(v);
        }
        return raw(name, DOUBLE, dims, b.array());
    }

    public static TensorProto int64Tensor(String name, long[] dims, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return raw(name, INT64, dims, b.array());
    }

    public static TensorProto int32Tensor(String name, long[] dims, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return raw(name, INT32, dims, b.array());
    }

    public static TensorProto int8Tensor(String name, long[] dims, byte[] values) {
        return raw(name, INT8, dims, values);
    }

    public static TensorProto uint8Tensor(String name, long[] dims, byte[] values) {
        return raw(name, UINT8, dims, values);
    }

    /** Signed 4-bit values packed two per byte, low nibble first, as ONNX stores INT4. */
    public static TensorProto int4Tensor(String name, long[] dims, byte[] values) {
        byte[] packed = new byte[(values.length + 1) / 2];
        for (int i = 0; i < values.length; i++) {
            int nibble = values[i] & 0x0F;
            packed[i / 2] |= (byte) (i % 2 == 0 ? nibble : nibble << 4);
        }
        return raw(name, INT4, dims, packed);
    }

    public static TensorProto scalarFloat(String name, float value) {
        return floatTensor(name, new long[0], new float[] {value});
    }

    private static TensorProto raw(String name, int type, long[] dims, byte[] data) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(ByteString.copyFrom(data));
        for (long d : dims) {
            b.addDims(d);
        }
        return b.build();
    }

    /** Bytes the tensor's values take when stored (packed for sub-byte types). */
    public static long storedBytes(TensorProto t) {
        long n = elementCount(t);
        return switch (t.getDataType()) {
            case TensorProto.DataType.FLOAT_VALUE, TensorProto.DataType.INT32_VALUE, TensorProto.DataType.UINT32_VALUE -> 4 * n;
            case TensorProto.DataType.DOUBLE_VALUE, TensorProto.DataType.INT64_VALUE, TensorProto.DataType.UINT64_VALUE -> 8 * n;
            case TensorProto.DataType.FLOAT16_VALUE, TensorProto.DataType.BFLOAT16_VALUE, TensorProto.DataType.INT16_VALUE,
                    TensorProto.DataType.UINT16_VALUE -> 2 * n;
            case INT4, 21 /* UINT4 */ -> (n + 1) / 2;
            default -> n;
        };
    }

    private static ByteBuffer order(ByteString raw) {
        return raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
}
