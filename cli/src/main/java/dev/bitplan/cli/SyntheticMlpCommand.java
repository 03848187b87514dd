package dev.bitplan.cli;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.data.NpzFile;
import dev.bitplan.engine.data.NpzWriter;
import dev.bitplan.engine.onnx.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bitplan bench synthetic-mlp}: writes a deep MLP (MatMul + bias Add + Relu per layer, He-initialised random
 * weights) and random inputs for it, to measure how search costs grow with depth. Random weights and data: for cost
 * figures only, never for accuracy claims.
 */
@Command(name = "synthetic-mlp", description = "Write a synthetic deep MLP (random weights) and random inputs for cost benchmarks "
        + "(bench sensitivity --model DIR/mlpN.onnx --data DIR/mlpN.npz); not for accuracy figures.")
final class SyntheticMlpCommand implements Callable<Integer> {

    private static final int WIDTH = 64;
    private static final int CLASSES = 10;

    @Option(names = "--layers", defaultValue = "200", description = "layers (default 200)")
    int layers;

    @Option(names = "--samples", defaultValue = "1024", description = "random input samples (default 1024)")
    int samples;

    @Option(names = "--to", required = true, description = "folder to write mlpN.onnx and mlpN.npz to")
    Path to;

    @Override
    public Integer call() throws IOException {
        if (layers < 1 || samples < 2) {
            throw new CommandFailure("--layers must be >= 1 and --samples >= 2", 2);
        }
        Files.createDirectories(to);
        Random random = new Random(7);
        Path model = to.resolve("mlp" + layers + ".onnx");
        Files.write(model, model(layers, random).toByteArray());
        float[] x = new float[samples * WIDTH];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        Path data = to.resolve("mlp" + layers + ".npz");
        NpzWriter.write(NpzFile.of(NdArray.ofFloats("input", new long[] {samples, WIDTH}, x)), data);
        System.out.println(model + "\n" + data);
        return 0;
    }

    static ModelProto model(int layers, Random random) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("synthetic_mlp");
        g.addInput(valueInfo("input", WIDTH));
        String h = "input";
        for (int i = 0; i < layers; i++) {
            boolean last = i == layers - 1;
            int out = last ? CLASSES : WIDTH;
            String prefix = "/layers." + i;
            g.addInitializer(weight("layers." + i + ".weight", out, random));
            g.addInitializer(Tensors.floatTensor("layers." + i + ".bias", new long[] {out}, new float[out]));
            g.addNode(node("MatMul", prefix + "/MatMul", prefix + "/MatMul_output_0", h, "layers." + i + ".weight"));
            String biased = last ? "logits" : prefix + "/Add_output_0";
            g.addNode(node("Add", prefix + "/Add", biased, prefix + "/MatMul_output_0", "layers." + i + ".bias"));
            h = biased;
            if (!last) {
                g.addNode(node("Relu", prefix + "/Relu", prefix + "/Relu_output_0", h));
                h = prefix + "/Relu_output_0";
            }
        }
        g.addOutput(valueInfo("logits", CLASSES));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("bitplan-synthetic")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
    }

    private static TensorProto weight(String name, int out, Random random) {
        float[] w = new float[WIDTH * out];
        double std = Math.sqrt(2.0 / WIDTH);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextGaussian() * std);
        }
        return Tensors.floatTensor(name, new long[] {WIDTH, out}, w);
    }

    private static NodeProto node(String op, String name, String output, String... inputs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String in : inputs) {
            n.addInput(in);
        }
        return n.build();
    }

    private static ValueInfoProto valueInfo(String name, int width) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width)).build();
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(Tensors.FLOAT).setShape(shape)))
                .build();
    }
}
