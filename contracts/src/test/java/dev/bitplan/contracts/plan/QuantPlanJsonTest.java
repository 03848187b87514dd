package dev.bitplan.contracts.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.json.Json;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan JSON as the README documents it. */
class QuantPlanJsonTest {

    @Test
    void readsTheDocumentedForm() {
        QuantPlan plan = Json.read("""
                {"schemaVersion": 1,
                 "defaultChoice": {"weightBits": 8, "activationBits": 8, "fusion": "FUSED"},
                 "layers": {"/a/Conv": {"weightBits": 4}, "/b/Gemm": {"float": true},
                            "/c/Conv": {"weightBits": 8, "activationBits": 4, "fusion": "UNFUSED"}}}
                """, QuantPlan.class);
        assertEquals(LayerChoice.of(4, 8), plan.choiceFor("/a/Conv"));
        assertTrue(plan.choiceFor("/b/Gemm").isFloat());
        assertEquals(LayerChoice.of(8, 4, FusionMode.UNFUSED), plan.choiceFor("/c/Conv"));
        assertEquals(LayerChoice.of(8, 8), plan.choiceFor("/not/named"), "unnamed layers take the default");
    }

    @Test
    void roundTrips() {
        QuantPlan plan = QuantPlan.of(Map.of("/a/Conv", LayerChoice.of(4, 8), "/b/Gemm", LayerChoice.FLOAT));
        assertEquals(plan, Json.read(Json.write(plan), QuantPlan.class));
        assertTrue(Json.write(plan).contains("\"float\" : true"), Json.write(plan));
        assertTrue(QuantPlan.of(Map.of()).choiceFor("/x").isFloat(), "no default: float");
    }

    @Test
    void aLayerMaySetItsOwnActivationMode() {
        QuantPlan plan = Json.read("""
                {"schemaVersion": 1, "layers": {"/q/MatMul": {"weightBits": 8, "activation": "DYNAMIC"},
                 "/o/MatMul": {"weightBits": 4, "activation": "WEIGHT_ONLY"}, "/k/MatMul": {"weightBits": 8, "activation": "AUTO"}}}
                """, QuantPlan.class);
        assertEquals(ActivationMode.DYNAMIC, plan.choiceFor("/q/MatMul").activation());
        assertEquals("w4-weight-only", plan.choiceFor("/o/MatMul").label());
        assertEquals(null, plan.choiceFor("/k/MatMul").activation(), "AUTO means the job's mode");
        assertEquals("w8a8", plan.choiceFor("/k/MatMul").label());
        assertEquals(plan, Json.read(Json.write(plan), QuantPlan.class));
        assertTrue(!Json.write(QuantPlan.uniform(8, 8)).contains("activation\""), "no field where the job's mode applies");
        IllegalArgumentException dynamic4 = assertThrows(IllegalArgumentException.class, () -> Json.read(
                "{\"schemaVersion\":1,\"layers\":{\"/a\":{\"weightBits\":8,\"activationBits\":4,\"activation\":\"DYNAMIC\"}}}",
                QuantPlan.class));
        assertTrue(dynamic4.getMessage().contains("dynamic activations are 8-bit"), dynamic4.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LayerChoice(null, null, null, true, ActivationMode.STATIC));
    }

    @Test
    void aLayerMaySetItsOwnWeightBlocks() {
        QuantPlan plan = Json.read("""
                {"schemaVersion": 1, "layers": {"/o/MatMul": {"weightBits": 4, "blockSize": 32},
                 "/q/MatMul": {"weightBits": 4, "blockSize": 0}, "/k/MatMul": {"weightBits": 4}}}
                """, QuantPlan.class);
        assertEquals("w4-block32", plan.choiceFor("/o/MatMul").label());
        assertEquals(32, plan.choiceFor("/o/MatMul").blockSizeUnder(0));
        assertEquals(0, plan.choiceFor("/q/MatMul").blockSizeUnder(128), "0: no blocks, whatever the job says");
        assertEquals("w4a8-no-blocks", plan.choiceFor("/q/MatMul").label());
        assertEquals(128, plan.choiceFor("/k/MatMul").blockSizeUnder(128), "absent: the job's granularity");
        assertEquals(plan, Json.read(Json.write(plan), QuantPlan.class));
        assertTrue(!Json.write(QuantPlan.uniform(4, 8)).contains("blockSize"), "no field where the job's granularity applies");
        for (String bad : List.of("{\"weightBits\":8,\"blockSize\":32}", "{\"weightBits\":4,\"blockSize\":64}",
                "{\"weightBits\":4,\"blockSize\":32,\"activation\":\"STATIC\"}", "{\"float\":true,\"blockSize\":32}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Json.read("{\"schemaVersion\":1,\"layers\":{\"/a\":" + bad + "}}", QuantPlan.class), bad);
            assertTrue(e.getMessage().contains("block"), e.getMessage());
        }
    }

    @Test
    void refusesWhatItCannotMean() {
        assertThrows(IllegalArgumentException.class, () -> Json.read("{\"schemaVersion\": 2}", QuantPlan.class));
        IllegalArgumentException bits = assertThrows(IllegalArgumentException.class,
                () -> Json.read("{\"schemaVersion\":1,\"layers\":{\"/a\":{\"weightBits\":3}}}", QuantPlan.class));
        assertTrue(bits.getMessage().contains("weightBits must be 4 or 8"), bits.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Json.read("{\"schemaVersion\":1,\"layers\":{\"/a\":{\"wieghtBits\":4}}}", QuantPlan.class));
        assertThrows(IllegalArgumentException.class,
                () -> Json.read("{\"schemaVersion\":1,\"layers\":{\"/a\":{\"weightBits\":4,\"fusion\":\"SOMETIMES\"}}}", QuantPlan.class));
    }
}
