package dev.bitplan.engine.layers;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.bitplan.engine.onnx.OnnxModel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Merkle digest of each layer and everything upstream of it: a tensor's digest is that of its producer's op, domain,
 * attributes and input digests (an initializer: its type, shape and bytes; a graph input: its name and type), and a
 * layer's digest is that of its fusion group's output. Two versions of a model give a layer the same digest exactly
 * when the layer, its BN and activation and every node feeding it compute the same function, so its input distribution
 * on the same samples is the same: what makes its stored sensitivity and latency reusable (the nightly re-search).
 * Node and tensor names do not count, so re-exporting with other names changes nothing; a changed weight changes its
 * layer's digest and those of every layer downstream, and no other.
 */
public final class LayerDigests {

    private final OnnxModel model;
    private final Map<String, byte[]> tensors = new HashMap<>();

    private LayerDigests(OnnxModel model) {
        this.model = model;
        for (ValueInfoProto in : model.graph().getInputList()) {
            if (!model.isInitializer(in.getName())) {
                tensors.put(in.getName(), sha256("input", in.getName(), in.getType().toByteArray()));
            }
        }
        for (Map.Entry<String, TensorProto> init : model.initializers().entrySet()) {
            tensors.put(init.getKey(), sha256("initializer", init.getValue().toBuilder().clearName().build().toByteArray()));
        }
        // ONNX keeps nodes in topological order, so every input is known before its reader
        for (NodeProto node : model.nodes()) {
            byte[] op = nodeDigest(node);
            for (int i = 0; i < node.getOutputCount(); i++) {
                tensors.put(node.getOutput(i), sha256("output", op, Integer.toString(i)));
            }
        }
    }

    /** Each layer's digest (64 hex characters), by layer name, in the given order. */
    public static Map<String, String> of(OnnxModel model, List<Layer> layers) {
        LayerDigests d = new LayerDigests(model);
        Map<String, String> out = new LinkedHashMap<>();
        for (Layer l : layers) {
            out.put(l.name(), HexFormat.of().formatHex(d.tensor(l.groupOutput())));
        }
        return out;
    }

    private byte[] nodeDigest(NodeProto node) {
        MessageDigest md = newDigest();
        update(md, "node");
        update(md, node.getDomain());
        update(md, node.getOpType());
        node.getAttributeList().stream().sorted(Comparator.comparing(AttributeProto::getName))
                .forEach(a -> update(md, a.toByteArray()));
        for (String in : node.getInputList()) {
            update(md, in.isEmpty() ? new byte[0] : tensor(in));
        }
        return md.digest();
    }

    private byte[] tensor(String name) {
        // a tensor no node or initializer produces (an invalid graph): only its name identifies it
        return tensors.computeIfAbsent(name, n -> sha256("unproduced", n));
    }

    private static byte[] sha256(Object... parts) {
        MessageDigest md = newDigest();
        for (Object p : parts) {
            update(md, p instanceof byte[] b ? b : p.toString().getBytes(StandardCharsets.UTF_8));
        }
        return md.digest();
    }

    /** Length-prefixed, so that parts cannot run into each other. */
    private static void update(MessageDigest md, byte[] part) {
        md.update(java.nio.ByteBuffer.allocate(4).putInt(part.length).array());
        md.update(part);
    }

    private static void update(MessageDigest md, String part) {
        update(md, part.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
