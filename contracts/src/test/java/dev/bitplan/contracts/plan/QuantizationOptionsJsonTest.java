package dev.bitplan.contracts.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.json.Json;
import org.junit.jupiter.api.Test;

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
