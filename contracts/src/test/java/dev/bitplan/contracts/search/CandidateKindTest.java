package dev.bitplan.contracts.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.json.Json;
import org.junit.jupiter.api.Test;

class CandidateKindTest {

    @Test
    void jsonKeepsTheNamesReportsAlwaysHad() {
        assertEquals("\"baseline-fp32\"", Json.write(CandidateKind.BASELINE_FP32));
        assertEquals("\"solver\"", Json.write(CandidateKind.SOLVER));
        for (CandidateKind k : CandidateKind.values()) {
            assertEquals(k, Json.read(Json.write(k), CandidateKind.class));
        }
        assertEquals(CandidateKind.BASELINE_INT4, CandidateKind.fromJson("baseline-int4"));
    }

    @Test
    void anUnknownKindIsRefusedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CandidateKind.fromJson("BASELINE_FP32"));
        assertTrue(e.getMessage().contains("baseline-fp32, baseline-int8, baseline-int4, solver"), e.getMessage());
    }
}
