package dev.bitplan.qat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.bitplan.engine.testmodels.GraphBuilder;
import dev.bitplan.qat.graph.OnnxToDjl;
import dev.bitplan.qat.graph.UnsupportedOpException;
import org.junit.jupiter.api.Test;

/** A model with an op the importer lacks fails at import, and the message names the op and its node. */
class UnsupportedOpTest {

    @Test
    void namesTheOpAndTheNode() {
        GraphBuilder g = new GraphBuilder("g").opset(21);
        String x = g.input("x", GraphBuilder.FLOAT, 1, 4);
        String y = g.node("Relu").name("first").inputs(x).add();
        String z = g.node("HardSwish").name("/block/act/HardSwish").inputs(y).add();
        g.node("Identity").name("out").inputs(z).outputs("y").add();
        ModelProto model = g.output("y", GraphBuilder.FLOAT, 1, 4).build();
        try (NDManager manager = DjlRuntime.newManager()) {
            UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> OnnxToDjl.importModel(model, manager));
            assertEquals("HardSwish", e.opType());
            assertTrue(e.getMessage().contains("HardSwish") && e.getMessage().contains("/block/act/HardSwish"), e.getMessage());
        }
        assertTrue(!OnnxToDjl.supports(model));
    }
}
