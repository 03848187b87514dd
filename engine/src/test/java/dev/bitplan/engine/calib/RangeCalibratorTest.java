package dev.bitplan.engine.calib;

import dev.bitplan.contracts.plan.CalibrationMethod;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RangeCalibratorTest {

    @Test
    void factoryGivesOneObserverPerMethod() {
        assertInstanceOf(MinMaxObserver.class, RangeCalibrator.observer(CalibrationMethod.MINMAX, 99.99));
        assertInstanceOf(EntropyObserver.class, RangeCalibrator.observer(CalibrationMethod.ENTROPY, 99.99));
        assertInstanceOf(MseObserver.class, RangeCalibrator.observer(CalibrationMethod.MSE, 99.99));
        RangeObserver percentile = RangeCalibrator.observer(CalibrationMethod.PERCENTILE, 99.9);
        assertEquals(99.9, ((PercentileObserver) percentile).percentile());
    }

    @Test
    void minMaxIsTheExactObservedRange() {
        float[] values = Samples.normal(41, Samples.N);
        TensorStatistics stats = Samples.statsOf(values);
        ActivationRange range = RangeCalibrator.range(stats, CalibrationMethod.MINMAX, 8, 99.99);
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        assertEquals(new ActivationRange(lo, hi), range);
    }

    @Test
    void onePassServesEveryMethodAndBitWidth() {
        CalibrationCollector collector = new CalibrationCollector();
        float[] relu = Samples.reluNormal(42, 200_000);
        float[] signed = Samples.laplace(43, 200_000);
        for (int batch = 0; batch < 4; batch++) {
            collector.accept("conv1/relu", relu, batch * 50_000, 50_000);
            collector.accept("fc/out", signed, batch * 50_000, 50_000);
        }
        assertEquals(List.of("conv1/relu", "fc/out"), List.copyOf(collector.tensorNames()));
        assertEquals(200_000, collector.statistics("fc/out").count());
        for (CalibrationMethod method : CalibrationMethod.values()) {
            for (int bits : new int[] {4, 8}) {
                Map<String, ActivationQuantParams> params =
                        RangeCalibrator.quantParams(collector, method, bits, 99.99);
                ActivationQuantParams reluParams = params.get("conv1/relu");
                assertEquals(0, reluParams.zeroPoint(), method + " @" + bits); // ReLU: range starts at 0
                ActivationQuantParams signedParams = params.get("fc/out");
                assertTrue(signedParams.zeroPoint() > 0 && signedParams.zeroPoint() < signedParams.qmax());
                assertEquals(0f, signedParams.fakeQuantize(0));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> collector.statistics("missing"));
    }

    @Test
    void collectorsMergeLikeParallelWorkers() {
        float[] values = Samples.normal(44, 100_000);
        CalibrationCollector a = new CalibrationCollector();
        CalibrationCollector b = new CalibrationCollector();
        a.accept("x", values, 0, 50_000);
        b.accept("x", values, 50_000, 50_000);
        b.accept("y", new float[] {1f, 2f});
        a.merge(b);
        CalibrationCollector whole = new CalibrationCollector();
        whole.accept("x", values);
        assertEquals(whole.statistics("x").count(), a.statistics("x").count());
        assertEquals(RangeCalibrator.range(whole.statistics("x"), CalibrationMethod.PERCENTILE, 8, 99.9),
                RangeCalibrator.range(a.statistics("x"), CalibrationMethod.PERCENTILE, 8, 99.9));
        assertTrue(a.contains("y"));
    }
}
