package dev.bitplan.contracts.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Quantization settings in job specs: what an absent field means, and the simulation choice. */
class QuantizationOptionsJsonTest {

    @Test
    void anAbsentSimulationMeansIntegerKernels() {
        QuantizationOptions read = Json.read("{\"activationMode\": \"STATIC\", \"perChannel\": true}", QuantizationOptions.class);
        assertEquals(Simulation.INTEGER, read.simulation());
        assertEquals(QuantizationOptions.defaults().withActivationMode(ActivationMode.STATIC), read);
    }

    @Test
    void anAbsentActivationModeMeansAutoPerLayer() {
        QuantizationOptions read = Json.read("{\"perChannel\": true}", QuantizationOptions.class);
        assertEquals(ActivationMode.AUTO, read.activationMode());
        assertEquals(QuantizationOptions.defaults(), read);
    }

    @Test
    void fakeQuantizationCanBeAskedForAndRoundTrips() {
        QuantizationOptions read = Json.read("{\"perChannel\": true, \"simulation\": \"FAKE_QUANT\"}", QuantizationOptions.class);
        assertEquals(Simulation.FAKE_QUANT, read.simulation());
        assertEquals(read, Json.read(Json.write(read), QuantizationOptions.class));
        assertEquals(Simulation.FAKE_QUANT, read.withCalibration(CalibrationMethod.MSE).withPerChannel(false).simulation(),
                "the with-ers keep it");
    }

    @Test
    void anUnknownSimulationIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Json.read("{\"simulation\": \"EXACT\"}", QuantizationOptions.class));
    }

    @Test
    void smoothQuantIsOffWhenAbsentAndItsAlphaRoundTrips() {
        assertEquals(0.0, Json.read("{\"perChannel\": true}", QuantizationOptions.class).smoothQuantAlpha(),
                "a job spec written before the option reads as off");
        QuantizationOptions on = QuantizationOptions.defaults().withSmoothQuantAlpha(0.5);
        String json = Json.write(on);
        assertTrue(json.contains("\"smoothQuantAlpha\" : 0.5"), json);
        QuantizationOptions read = Json.read(json, QuantizationOptions.class);
        assertEquals(on, read);
        assertTrue(read.smoothQuant());
        assertEquals(0.5, read.withActivationMode(ActivationMode.STATIC).withSimulation(Simulation.FAKE_QUANT).smoothQuantAlpha(),
                "the with-ers keep it");
        assertFalse(QuantizationOptions.defaults().smoothQuant());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "1.5", "-0.2", "\"NaN\""})
    void aSmoothQuantAlphaOutsideTheOpenUnitIntervalIsRefusedByName(String alpha) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.read("{\"smoothQuantAlpha\": " + alpha + "}", QuantizationOptions.class));
        assertTrue(e.getMessage().contains("smoothQuantAlpha must be 0 (off) or in (0, 1)"), e.getMessage());
    }

    @Test
    void oldJobSpecsWithoutABlockSizeKeepTheirGranularity() {
        QuantizationOptions perTensor = Json.read("{\"perChannel\": false}", QuantizationOptions.class);
        assertEquals(0, perTensor.weightBlockSize(), "absent means no block-wise weights");
        assertEquals(false, perTensor.perChannel());
        assertEquals(QuantizationOptions.defaults().withPerChannel(false), perTensor);
    }

    @Test
    void blockWiseWeightsCanBeAskedForAndRoundTrip() {
        QuantizationOptions read = Json.read("{\"perChannel\": true, \"weightBlockSize\": 128}", QuantizationOptions.class);
        assertEquals(128, read.weightBlockSize());
        assertEquals(read, Json.read(Json.write(read), QuantizationOptions.class));
        assertEquals(128, read.withPerChannel(false).withSimulation(Simulation.FAKE_QUANT).weightBlockSize(), "the with-ers keep it");
    }

    @Test
    void anUnsupportedBlockSizeIsRefusedNamingTheAllowedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.read("{\"weightBlockSize\": 64}", QuantizationOptions.class));
        assertTrue(e.getMessage().contains("32 or 128"), e.getMessage());
    }
}
