package dev.bitplan.contracts.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.plan.LayerChoice;
import org.junit.jupiter.api.Test;

/** The sensitivity depth of a job, and what an option measured at each depth carries. */
class SensitivityDepthJsonTest {

    @Test
    void anAbsentDepthIsFastAndFullCanBeAskedFor() {
        assertEquals(SensitivityDepth.FAST, Json.read("{}", JobSpec.class).sensitivity());
        JobSpec full = Json.read("{\"sensitivity\": \"full\"}", JobSpec.class);
        assertEquals(SensitivityDepth.FULL, full.sensitivity());
        assertTrue(Json.write(full).replace(" ", "").contains("\"sensitivity\":\"full\""), Json.write(full));
        assertEquals(full, Json.read(Json.write(full), JobSpec.class));
    }

    @Test
    void anUnknownDepthIsRefusedWithTheChoices() {
        Exception e = assertThrows(Exception.class, () -> Json.read("{\"sensitivity\": \"deep\"}", JobSpec.class));
        String message = e.getMessage() + (e.getCause() == null ? "" : e.getCause().getMessage());
        assertTrue(message.contains("use fast or full"), message);
    }

    @Test
    void aPredictedOptionLeavesOutWhatWasNotMeasured() {
        OptionSensitivity predicted = new OptionSensitivity("w8a8", LayerChoice.of(8, 8, dev.bitplan.contracts.plan.FusionMode.FUSED), null,
                1e-6, null, null, 2e-4, true);
        String json = Json.write(predicted);
        assertFalse(json.contains("metricDrop"), json);
        OptionSensitivity read = Json.read(json, OptionSensitivity.class);
        assertEquals(predicted, read);
        assertNull(read.metricDropVs8bit());
        // an option stored before depths existed reads as measured
        OptionSensitivity old = Json.read("{\"label\":\"w8a8\",\"metricDrop\":0.001,\"divergence\":0.002,\"metricDropVs8bit\":0,"
                + "\"divergenceVs8bit\":0}", OptionSensitivity.class);
        assertFalse(old.predicted());
        assertNull(old.localError());
    }
}
