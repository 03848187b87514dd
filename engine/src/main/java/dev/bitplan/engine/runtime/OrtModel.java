package dev.bitplan.engine.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import dev.bitplan.engine.data.NdArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model loaded in ONNX Runtime (CPU). This package is the only one that touches
 * {@code ai.onnxruntime}; the rest of the engine sees {@link NdArray} in and {@link TensorValue} out.
 */
public final class OrtModel implements AutoCloseable {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private final OrtSession session;
    private final List<String> inputNames;
    private final Map<String, long[]> inputShapes = new LinkedHashMap<>();
    private final Map<String, OnnxJavaType> inputTypes = new HashMap<>();

    private OrtModel(OrtSession session) throws OrtException {
        this.session = session;
        this.inputNames = new ArrayList<>(session.getInputNames());
        for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
            TensorInfo info = (TensorInfo) e.getValue().getInfo();
            inputShapes.put(e.getKey(), info.getShape());
            inputTypes.put(e.getKey(), info.type);
        }
    }

    /** Loads serialized model bytes; a model ONNX Runtime rejects becomes an UNUSABLE input error. */
    public static OrtModel load(byte[] model, RuntimeOptions options) {
        try (OrtSession.SessionOptions so = sessionOptions(options)) {
            return new OrtModel(ENV.createSession(model, so));
        } catch (OrtException e) {
            throw new InvalidInputException(Problem.UNUSABLE, "ONNX Runtime cannot load the model: " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * The graph ONNX Runtime runs after its optimizer has rewritten {@code model} under these options (fusions such as
     * DequantizeLinear -> MatMul into MatMulNBits), serialized as ONNX: to check which kernels a model form gets.
     */
    public static byte[] optimizedGraph(byte[] model, RuntimeOptions options) {
        Path file = null;
        try (OrtSession.SessionOptions so = sessionOptions(options)) {
            file = Files.createTempFile("bitplan-optimized", ".onnx");
            so.setOptimizedModelFilePath(file.toString());
            ENV.createSession(model, so).close();
            return Files.readAllBytes(file);
        } catch (OrtException e) {
            throw new InvalidInputException(Problem.UNUSABLE, "ONNX Runtime cannot load the model: " + firstLine(e.getMessage()), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ONNX Runtime's optimized graph", e);
        } finally {
            if (file != null) {
                file.toFile().delete();
            }
        }
    }

    private static OrtSession.SessionOptions sessionOptions(RuntimeOptions options) throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(options.threads());
        so.setInterOpNumThreads(1);
        so.setOptimizationLevel(options.fullOptimization() ? OrtSession.SessionOptions.OptLevel.ALL_OPT
                : OrtSession.SessionOptions.OptLevel.BASIC_OPT);
        switch (options.qdq()) {
            case AS_WRITTEN -> so.addConfigEntry("session.disable_quant_qdq", "1");
            case INTEGER_KERNELS -> so.addConfigEntry("optimization.disable_specified_optimizers", "WeightBiasQuantization");
            case DEPLOYMENT -> { }
        }
        if (options.matMulNBitsAccuracyLevel() >= 0) {
            so.addConfigEntry("session.qdq_matmulnbits_accuracy_level", Integer.toString(options.matMulNBitsAccuracyLevel()));
        }
        return so;
    }

    public List<String> inputNames() {
        return inputNames;
    }

    /** Declared input shape as ONNX Runtime reports it (-1 for dynamic dims). */
    public long[] inputShape(String name) {
        return inputShapes.get(name).clone();
    }

    /** The largest batch the model accepts: its fixed first dim if all inputs declare one, else {@code wanted}. */
    public int batchLimit(int wanted) {
        int limit = wanted;
        for (long[] shape : inputShapes.values()) {
            if (shape.length > 0 && shape[0] > 0) {
                limit = (int) Math.min(limit, shape[0]);
            }
        }
        return limit;
    }

    /** Runs one batch (arrays in any order, matched by name) and returns the named float outputs. */
    public Map<String, TensorValue> run(Map<String, NdArray> inputs, Set<String> outputs) {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            for (String name : inputNames) {
                NdArray a = inputs.get(name);
                if (a == null) {
                    throw new IllegalArgumentException("no data for model input '" + name + "'");
                }
                feeds.put(name, toTensor(name, a));
            }
            try (OrtSession.Result result = session.run(feeds, outputs)) {
                Map<String, TensorValue> out = new LinkedHashMap<>();
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    long[] shape = t.getInfo().getShape();
                    FloatBuffer fb = t.getFloatBuffer();
                    if (fb == null) {
                        throw new IllegalStateException("output '" + e.getKey() + "' is not float32");
                    }
                    float[] data = new float[fb.remaining()];
                    fb.get(data);
                    out.put(e.getKey(), new TensorValue(data, shape));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new InvalidInputException(Problem.UNUSABLE, "ONNX Runtime failed to run the model: " + firstLine(e.getMessage()), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    private OnnxTensor toTensor(String name, NdArray a) throws OrtException {
        OnnxJavaType type = inputTypes.get(name);
        long[] shape = a.shape();
        if (type == OnnxJavaType.INT64) {
            return OnnxTensor.createTensor(ENV, LongBuffer.wrap(a.toLongArray()), shape);
        }
        if (type == OnnxJavaType.FLOAT) {
            return OnnxTensor.createTensor(ENV, FloatBuffer.wrap(a.toFloatArray()), shape);
        }
        throw new InvalidInputException(Problem.UNUSABLE, "model input '" + name + "' has element type " + type
                + "; BitPlan feeds float32 and int64 inputs");
    }

    /** The first line of ORT's message; the rest is a stack of C++ locations. */
    private static String firstLine(String m) {
        if (m == null) {
            return "";
        }
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
