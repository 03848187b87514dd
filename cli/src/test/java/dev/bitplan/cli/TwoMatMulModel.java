package dev.bitplan.cli;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.data.NpzFile;
import dev.bitplan.engine.data.NpzWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A model built in code, as large as asked: {@code input [N, in] -> MatMul big.weight [in, hidden] -> MatMul
 * small.weight [hidden, out] -> output}, opset 13. {@code big} has one outlier per output channel, so 8 bits hurt it
 * (its per-channel scale flattens the rest); plus an NPZ of random inputs for it.
 *
 * @param bigWeight  {@code big.weight}'s raw little-endian floats, as in the file
 */
record TwoMatMulModel(Path model, Path data, byte[] bigWeight) {

    static TwoMatMulModel write(Path model, Path data, int in, int hidden, int out, int samples, long seed) throws IOException {
        Random random = new Random(seed);
        float[] big = gaussian(random, in * hidden, 0.02);
        for (int col = 0; col < hidden; col++) {
            big[random.nextInt(in) * hidden + col] = 5f;
        }
        byte[] bigBytes = littleEndian(big);
        Files.write(model, graph(in, hidden, out, bigBytes, littleEndian(gaussian(random, hidden * out, 0.02))));
        NpzWriter.write(NpzFile.of(NdArray.ofFloats("input", new long[] {samples, in}, gaussian(random, samples * in, 1))), data);
        return new TwoMatMulModel(model, data, bigBytes);
    }

    private static float[] gaussian(Random random, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * scale);
        }
        return v;
    }

    private static byte[] littleEndian(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    private static byte[] graph(int in, int hidden, int out, byte[] big, byte[] small) {
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("two-matmuls")
                .addInput(value("input", in)).addOutput(value("output", out))
                .addInitializer(tensor("big.weight", in, hidden, big)).addInitializer(tensor("small.weight", hidden, out, small))
                .addNode(OnnxMl.NodeProto.newBuilder().setName("/big/MatMul").setOpType("MatMul").addInput("input").addInput("big.weight")
                        .addOutput("hidden"))
                .addNode(OnnxMl.NodeProto.newBuilder().setName("/small/MatMul").setOpType("MatMul").addInput("hidden")
                        .addInput("small.weight").addOutput("output"))
                .build();
        return OnnxMl.ModelProto.newBuilder().setIrVersion(7).setProducerName("bitplan-test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(graph).build().toByteArray();
    }

    private static OnnxMl.TensorProto tensor(String name, int rows, int cols, byte[] raw) {
        return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).addDims(rows).addDims(cols)
                .setRawData(ByteString.copyFrom(raw)).build();
    }

    private static OnnxMl.ValueInfoProto value(String name, int width) {
        OnnxMl.TensorShapeProto shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(width)).build();
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder().setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
