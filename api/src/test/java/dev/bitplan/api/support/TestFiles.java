package dev.bitplan.api.support;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The fixtures, and bad files built from bytes (a few helpers after the engine's own test builders). */
public final class TestFiles {

    private TestFiles() {
    }

    public static Path fixture(String relative) {
        String dir = System.getProperty("bitplan.fixtures", "../../shared/fixtures");
        Path p = Path.of(dir).resolve(relative);
        if (!Files.exists(p)) {
            p = Path.of("/work/shared/fixtures").resolve(relative);
        }
        return p;
    }

    public static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] mnistModel() {
        return bytes(fixture("mnist/resnet8_bn.onnx"));
    }

    public static byte[] mnistCalib() {
        return bytes(fixture("mnist/mnist_calib.npz"));
    }

    public static ModelProto mnistProto() {
        try {
            return ModelProto.parseFrom(mnistModel());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same network with a changed producer name: another version, other bytes, same layers. */
    public static byte[] mnistModelVariant(String producer) {
        return mnistProto().toBuilder().setProducerName(producer).build().toByteArray();
    }

    public static byte[] truncated(byte[] whole) {
        return Arrays.copyOf(whole, whole.length / 2);
    }

    public static byte[] jpeg() {
        byte[] b = new byte[512];
        byte[] head = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0};
        System.arraycopy(head, 0, b, 0, head.length);
        return b;
    }

    /** The first weight's data moved to an "external file" at {@code location}. */
    public static byte[] externalData(String location) {
        ModelProto m = mnistProto();
        var graph = m.getGraph().toBuilder();
        TensorProto first = graph.getInitializer(0);
        TensorProto external = first.toBuilder().clearRawData().clearFloatData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .build();
        graph.setInitializer(0, external);
        return m.toBuilder().setGraph(graph).build().toByteArray();
    }

    /** One node moved to an op domain nobody knows. */
    public static byte[] customDomain() {
        ModelProto m = mnistProto();
        var graph = m.getGraph().toBuilder();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            if (n.getOpType().equals("Relu")) {
                graph.setNode(i, n.toBuilder().setDomain("com.example.custom").setOpType("FancyRelu"));
                break;
            }
        }
        return m.toBuilder().setGraph(graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.example.custom").setVersion(1)).build().toByteArray();
    }

    /** An .npy file's bytes: magic, version 1.0, the header padded to 64 bytes, then the data. */
    public static byte[] npy(String header, byte[] data) {
        int unpadded = 10 + header.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String h = header + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + h.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) h.length()).put(h.getBytes(StandardCharsets.US_ASCII)).put(data);
        return b.array();
    }

    public static byte[] floats(String name, long[] shape, float value) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        ByteBuffer data = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            data.putFloat(value);
        }
        String dims = Arrays.stream(shape).mapToObj(Long::toString).reduce((a, b) -> a + ", " + b).orElse("");
        return zipOf(name + ".npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + (shape.length == 1 ? "," : "")
                + "), }", data.array()));
    }

    public static byte[] objectArray() {
        return zipOf("input.npy", npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", new byte[16]));
    }

    /** A deflated .npy of {@code bytes} zeros: tiny on the wire, huge when inflated. */
    public static byte[] zipBomb(long bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("input.npy"));
            zip.write(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (" + bytes + ",), }", new byte[0]));
            byte[] zeros = new byte[1 << 20];
            for (long done = 0; done < bytes; done += zeros.length) {
                zip.write(zeros, 0, (int) Math.min(zeros.length, bytes - done));
            }
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] zipOf(String entry, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(content);
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
