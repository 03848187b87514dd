package dev.bitplan.engine.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A changed weight changes its layer's digest and those downstream of it, no other; names do not count. */
class LayerDigestsTest {

    private static Map<String, String> digests(ModelProto proto) {
        PreparedModel prepared = PreparedModel.of(new OnnxModel(proto));
        return LayerDigests.of(prepared.folded(), prepared.layers());
    }

    private static ModelProto resnet8() {
        return ModelLoader.load(Fixtures.file("mnist/resnet8_bn.onnx")).proto();
    }

    /** The model with the first float of the initializer {@code weight} replaced. */
    private static ModelProto withWeightChanged(ModelProto proto, String weight) {
        ModelProto.Builder b = proto.toBuilder();
        for (int i = 0; i < b.getGraph().getInitializerCount(); i++) {
            TensorProto t = b.getGraph().getInitializer(i);
            if (t.getName().equals(weight)) {
                byte[] raw = t.getRawData().toByteArray();
                raw[0] ^= 0x10;
                b.getGraphBuilder().setInitializer(i, t.toBuilder().setRawData(com.google.protobuf.ByteString.copyFrom(raw)));
                return b.build();
            }
        }
        throw new IllegalArgumentException("no initializer " + weight);
    }

    @Test
    void changingOneLayersWeightsChangesThatLayerAndTheLayersDownstreamOnly() {
        ModelProto before = resnet8();
        PreparedModel prepared = PreparedModel.of(new OnnxModel(before));
        String weight = prepared.layer("/layer2/conv1/Conv").weight();
        Map<String, String> a = digests(before);
        Map<String, String> b = digests(withWeightChanged(before, weight));

        Set<String> changed = Set.of("/layer2/conv1/Conv", "/layer2/conv2/Conv", "/layer3/down/down.0/Conv", "/layer3/conv1/Conv",
                "/layer3/conv2/Conv", "/fc/Gemm");
        assertEquals(10, a.size());
        for (String layer : a.keySet()) {
            if (changed.contains(layer)) {
                assertNotEquals(a.get(layer), b.get(layer), layer + " is the changed layer or downstream of it");
            } else {
                assertEquals(a.get(layer), b.get(layer), layer + " is upstream of the change or beside it (the shortcut)");
            }
        }
        assertEquals(List.copyOf(a.keySet()), List.copyOf(b.keySet()));
    }

    @Test
    void theSameModelGivesTheSameDigestsAndRenamedNodesChangeNothing() {
        ModelProto before = resnet8();
        ModelProto.Builder renamed = before.toBuilder();
        for (int i = 0; i < renamed.getGraph().getNodeCount(); i++) {
            NodeProto n = renamed.getGraph().getNode(i);
            if (!n.getName().equals("/fc/Gemm")) {
                renamed.getGraphBuilder().setNode(i, n.toBuilder().setName(n.getName() + "_renamed"));
            }
        }
        Map<String, String> a = digests(before);
        Map<String, String> again = digests(resnet8());
        assertEquals(a, again);
        assertEquals(a.get("/fc/Gemm"), digests(renamed.build()).get("/fc/Gemm"));
    }
}
