package dev.bitplan.engine.testmodels;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Small fluent helper for building ONNX models in test code.
 *
 * <pre>{@code
 * GraphBuilder b = new GraphBuilder("tiny").opset(13).seed(7);
 * String x = b.input("x", GraphBuilder.FLOAT, "batch", 16);
 * String w = b.heWeight("fc.weight", 16, 16, 4);
 * String y = b.node("MatMul").name("/fc/MatMul").inputs(x, w).outputs("y").add();
 * b.output("y", GraphBuilder.FLOAT, "batch", 4);
 * ModelProto model = b.build();
 * }</pre>
 *
 * <p>Nodes are appended in the order they are added, so add them in topological order;
 * {@link #build()} checks that every node input is a graph input, an initializer or the output of
 * an earlier node, and that node and initializer names are unique.
 *
 * <p>Tensors are stored in {@code raw_data} (little-endian, as PyTorch exports do) unless
 * {@link #typedDataFields()} asks for {@code float_data}/{@code int64_data}.
 *
 * <p>Random weights come from one {@link Random} seeded with {@link #seed(long)} (default 0) and
 * drawn in the order the weights are added, so a model built by the same code is identical bytes.
 */
public final class GraphBuilder {

    /** {@code TensorProto.DataType.FLOAT}. */
    public static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    /** {@code TensorProto.DataType.INT64}. */
    public static final int INT64 = TensorProto.DataType.INT64_VALUE;
    /** {@code TensorProto.DataType.INT32}. */
    public static final int INT32 = TensorProto.DataType.INT32_VALUE;

    /** The default ("ai.onnx") operator set domain. */
    public static final String DEFAULT_DOMAIN = "";

    private final String graphName;
    private String producerName = "bitplan-testmodels";
    private int opset = 13;
    private Integer irVersionOverride;
    private final Map<String, Integer> extraOpsets = new LinkedHashMap<>();
    private long seed;
    private Random random = new Random(0);
    private boolean rawData = true;

    private final List<ValueInfoProto> inputs = new ArrayList<>();
    private final List<ValueInfoProto> outputs = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final List<NodeProto> nodes = new ArrayList<>();
    private final Map<String, Integer> nameCounters = new HashMap<>();
    private final Set<String> usedNodeNames = new HashSet<>();

    public GraphBuilder(String graphName) {
        this.graphName = graphName;
    }

    // ------------------------------------------------------------------ model-level settings

    /** Sets the default-domain opset version; the IR version follows {@link #irVersionFor(int)}. */
    public GraphBuilder opset(int version) {
        this.opset = version;
        return this;
    }

    public int opset() {
        return opset;
    }

    /** Overrides the IR version that {@link #opset(int)} would imply. */
    public GraphBuilder irVersion(int irVersion) {
        this.irVersionOverride = irVersion;
        return this;
    }

    /** Adds an opset_import for a non-default domain (e.g. a custom operator domain). */
    public GraphBuilder opsetImport(String domain, int version) {
        extraOpsets.put(domain, version);
        return this;
    }

    public GraphBuilder producer(String name) {
        this.producerName = name;
        return this;
    }

    /** Re-seeds the random source used by {@link #heWeight} and friends. */
    public GraphBuilder seed(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
        return this;
    }

    public long seed() {
        return seed;
    }

    /** Stores later initializers in the typed fields ({@code float_data}, {@code int64_data}) instead of raw_data. */
    public GraphBuilder typedDataFields() {
        this.rawData = false;
        return this;
    }

    /**
     * The IR version an exporter would write next to a given default opset (the ONNX release
     * that introduced the opset): opset 11 -> 6, 13 -> 7, 17 -> 8, 21 -> 10.
     */
    public static int irVersionFor(int opset) {
        if (opset <= 8) {
            return 3;
        }
        if (opset == 9) {
            return 4;
        }
        if (opset == 10) {
            return 5;
        }
        if (opset == 11) {
            return 6;
        }
        if (opset <= 14) {
            return 7;
        }
        if (opset <= 18) {
            return 8;
        }
        if (opset <= 20) {
            return 9;
        }
        return 10;
    }

    // ------------------------------------------------------------------ graph inputs / outputs

    /**
     * Declares a graph input. Each dim is a fixed size ({@link Integer} or {@link Long}), a
     * symbolic name ({@link String}, e.g. {@code "batch"}) or {@code null} for an unknown dim.
     * No dims at all declares a scalar (rank 0); use {@link #inputWithoutShape} for an unknown shape.
     *
     * @return the input name, for chaining into nodes
     */
    public String input(String name, int elemType, Object... dims) {
        inputs.add(valueInfo(name, elemType, dims));
        return name;
    }

    /** Declares a graph input whose tensor type has an element type but no shape field at all. */
    public String inputWithoutShape(String name, int elemType) {
        inputs.add(ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType)))
                .build());
        return name;
    }

    /** Declares a graph output; dims as in {@link #input(String, int, Object...)}. */
    public GraphBuilder output(String name, int elemType, Object... dims) {
        outputs.add(valueInfo(name, elemType, dims));
        return this;
    }

    /** Declares a graph output whose tensor type has no shape field (unknown rank). */
    public GraphBuilder outputWithoutShape(String name, int elemType) {
        outputs.add(ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType)))
                .build());
        return this;
    }

    /** Builds a tensor ValueInfoProto; dims as in {@link #input(String, int, Object...)}. */
    public static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
            if (dim instanceof Integer || dim instanceof Long) {
                d.setDimValue(((Number) dim).longValue());
            } else if (dim instanceof String) {
                d.setDimParam((String) dim);
            } else if (dim != null) {
                throw new IllegalArgumentException("dim must be a number, a name or null: " + dim);
            }
            shape.addDim(d);
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
                .build();
    }

    // ------------------------------------------------------------------ initializers

    /** Adds a float initializer; {@code data.length} must equal the product of {@code shape}. */
    public String floatInitializer(String name, float[] data, long... shape) {
        initializers.add(floatTensor(name, data, rawData, shape));
        return name;
    }

    /** Adds an int64 initializer; {@code data.length} must equal the product of {@code shape}. */
    public String int64Initializer(String name, long[] data, long... shape) {
        initializers.add(int64Tensor(name, data, rawData, shape));
        return name;
    }

    /** Adds an arbitrary, already built initializer (e.g. one with external data). */
    public String initializer(TensorProto tensor) {
        initializers.add(tensor);
        return tensor.getName();
    }

    /** Adds a weight drawn from N(0, 2/fanIn) (He initialisation), seeded by {@link #seed(long)}. */
    public String heWeight(String name, int fanIn, long... shape) {
        return floatInitializer(name, heValues(fanIn, shape), shape);
    }

    /** He-scaled random values without adding an initializer (e.g. for a Constant node). */
    public float[] heValues(int fanIn, long... shape) {
        return normalValues(0.0, Math.sqrt(2.0 / fanIn), shape);
    }

    /** Adds an initializer drawn from N(mean, std^2). */
    public String normalInitializer(String name, double mean, double std, long... shape) {
        return floatInitializer(name, normalValues(mean, std, shape), shape);
    }

    /** Adds an initializer drawn uniformly from [low, high). */
    public String uniformInitializer(String name, double low, double high, long... shape) {
        float[] v = new float[Math.toIntExact(count(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (low + (high - low) * random.nextDouble());
        }
        return floatInitializer(name, v, shape);
    }

    private float[] normalValues(double mean, double std, long... shape) {
        float[] v = new float[Math.toIntExact(count(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (mean + std * random.nextGaussian());
        }
        return v;
    }

    // ------------------------------------------------------------------ nodes

    /** Starts a node of the given op type in the default domain; finish with {@link NodeBuilder#add()}. */
    public NodeBuilder node(String opType) {
        return new NodeBuilder(opType);
    }

    /**
     * Adds a {@code Constant} node whose {@code value} attribute is {@code value} (its name is
     * ignored) and returns the node's output name.
     */
    public String constant(String nodeName, TensorProto value) {
        return node("Constant").name(nodeName).attrTensor("value", value.toBuilder().clearName().build()).add();
    }

    /** Constant node holding an int64 tensor of the given shape (empty shape = scalar). */
    public String constantInt64(String nodeName, long[] values, long... shape) {
        return constant(nodeName, int64Tensor("", values, rawData, shape));
    }

    /** Constant node holding a float tensor of the given shape (empty shape = scalar). */
    public String constantFloat(String nodeName, float[] values, long... shape) {
        return constant(nodeName, floatTensor("", values, rawData, shape));
    }

    /**
     * Deterministic unique name: {@code base} the first time, then {@code base_1}, {@code base_2}, ...
     * (the same sequence for the same sequence of calls).
     */
    public String uniqueName(String base) {
        int n = nameCounters.merge(base, 1, Integer::sum) - 1;
        String name = n == 0 ? base : base + "_" + n;
        while (usedNodeNames.contains(name)) {
            n = nameCounters.merge(base, 1, Integer::sum) - 1;
            name = base + "_" + n;
        }
        return name;
    }

    /** Fluent builder for one node; {@link #add()} appends it to the graph. */
    public final class NodeBuilder {
        private final NodeProto.Builder node = NodeProto.newBuilder();

        private NodeBuilder(String opType) {
            node.setOpType(opType);
        }

        /** Node name; defaults to {@code /<OpType>}, made unique with {@link #uniqueName(String)}. */
        public NodeBuilder name(String name) {
            node.setName(name);
            return this;
        }

        public NodeBuilder domain(String domain) {
            node.setDomain(domain);
            return this;
        }

        /** Inputs in order; use {@code ""} for an omitted optional input. */
        public NodeBuilder inputs(String... names) {
            for (String n : names) {
                node.addInput(n);
            }
            return this;
        }

        /** Outputs in order; defaults to a single output named {@code <nodeName>_output_0}. */
        public NodeBuilder outputs(String... names) {
            for (String n : names) {
                node.addOutput(n);
            }
            return this;
        }

        public NodeBuilder attrInt(String name, long value) {
            node.addAttribute(AttributeProto.newBuilder().setName(name)
                    .setType(AttributeProto.AttributeType.INT).setI(value));
            return this;
        }

        public NodeBuilder attrInts(String name, long... values) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
                    .setType(AttributeProto.AttributeType.INTS);
            for (long v : values) {
                a.addInts(v);
            }
            node.addAttribute(a);
            return this;
        }

        public NodeBuilder attrFloat(String name, float value) {
            node.addAttribute(AttributeProto.newBuilder().setName(name)
                    .setType(AttributeProto.AttributeType.FLOAT).setF(value));
            return this;
        }

        public NodeBuilder attrFloats(String name, float... values) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
                    .setType(AttributeProto.AttributeType.FLOATS);
            for (float v : values) {
                a.addFloats(v);
            }
            node.addAttribute(a);
            return this;
        }

        public NodeBuilder attrString(String name, String value) {
            node.addAttribute(AttributeProto.newBuilder().setName(name)
                    .setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(value)));
            return this;
        }

        public NodeBuilder attrTensor(String name, TensorProto value) {
            node.addAttribute(AttributeProto.newBuilder().setName(name)
                    .setType(AttributeProto.AttributeType.TENSOR).setT(value));
            return this;
        }

        /** Appends the node and returns its first output name. */
        public String add() {
            if (node.getName().isEmpty()) {
                node.setName(uniqueName("/" + node.getOpType()));
            }
            if (node.getOutputCount() == 0) {
                node.addOutput(node.getName() + "_output_0");
            }
            NodeProto built = node.build();
            if (!usedNodeNames.add(built.getName())) {
                throw new IllegalStateException("duplicate node name " + built.getName());
            }
            nodes.add(built);
            return built.getOutput(0);
        }
    }

    // ------------------------------------------------------------------ build

    /** Builds the model, checking names and that nodes are in topological order. */
    public ModelProto build() {
        checkGraph();
        GraphProto graph = GraphProto.newBuilder()
                .setName(graphName)
                .addAllNode(nodes)
                .addAllInitializer(initializers)
                .addAllInput(inputs)
                .addAllOutput(outputs)
                .build();
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(irVersionOverride != null ? irVersionOverride : irVersionFor(opset))
                .setProducerName(producerName)
                .setProducerVersion("0.1")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(DEFAULT_DOMAIN).setVersion(opset))
                .setGraph(graph);
        extraOpsets.forEach((domain, version) ->
                model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version)));
        return model.build();
    }

    /** Serialised {@link #build()}. */
    public byte[] toBytes() {
        return build().toByteArray();
    }

    /** Writes a model to a file (e.g. for tests that load models from disk). */
    public static Path write(ModelProto model, Path file) throws IOException {
        Files.write(file, model.toByteArray());
        return file;
    }

    private void checkGraph() {
        Set<String> available = new HashSet<>();
        available.add("");
        for (ValueInfoProto in : inputs) {
            available.add(in.getName());
        }
        Set<String> initNames = new HashSet<>();
        for (TensorProto t : initializers) {
            if (!initNames.add(t.getName())) {
                throw new IllegalStateException("duplicate initializer " + t.getName());
            }
            available.add(t.getName());
        }
        for (NodeProto n : nodes) {
            for (String in : n.getInputList()) {
                if (!available.contains(in)) {
                    throw new IllegalStateException("node " + n.getName() + " reads " + in
                            + " before it is produced");
                }
            }
            available.addAll(n.getOutputList());
        }
        for (ValueInfoProto out : outputs) {
            if (!available.contains(out.getName())) {
                throw new IllegalStateException("graph output " + out.getName() + " is never produced");
            }
        }
    }

    // ------------------------------------------------------------------ tensor helpers

    /** Float tensor stored in raw_data. */
    public static TensorProto floatTensor(String name, float[] data, long... shape) {
        return floatTensor(name, data, true, shape);
    }

    /** Int64 tensor stored in raw_data. */
    public static TensorProto int64Tensor(String name, long[] data, long... shape) {
        return int64Tensor(name, data, true, shape);
    }

    /** Float tensor, in raw_data or float_data. */
    public static TensorProto floatTensor(String name, float[] data, boolean raw, long... shape) {
        checkCount(name, data.length, shape);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT);
        for (long d : shape) {
            t.addDims(d);
        }
        if (raw) {
            ByteBuffer buf = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : data) {
                buf.putFloat(f);
            }
            t.setRawData(ByteString.copyFrom(buf.array()));
        } else {
            for (float f : data) {
                t.addFloatData(f);
            }
        }
        return t.build();
    }

    /** Int64 tensor, in raw_data or int64_data. */
    public static TensorProto int64Tensor(String name, long[] data, boolean raw, long... shape) {
        checkCount(name, data.length, shape);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(INT64);
        for (long d : shape) {
            t.addDims(d);
        }
        if (raw) {
            ByteBuffer buf = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : data) {
                buf.putLong(v);
            }
            t.setRawData(ByteString.copyFrom(buf.array()));
        } else {
            for (long v : data) {
                t.addInt64Data(v);
            }
        }
        return t.build();
    }

    /** Number of elements of a shape (1 for a scalar). */
    public static long count(long... shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dim " + d);
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static void checkCount(String name, int length, long... shape) {
        if (length != count(shape)) {
            throw new IllegalArgumentException("tensor " + name + " has " + length
                    + " values but shape " + Arrays.toString(shape) + " needs " + count(shape));
        }
    }
}
