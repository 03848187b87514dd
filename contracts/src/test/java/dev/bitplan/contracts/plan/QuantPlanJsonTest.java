package dev.bitplan.contracts.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.json.Json;
import java.util.Map;
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
