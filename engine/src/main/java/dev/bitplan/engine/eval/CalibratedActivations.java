package dev.bitplan.engine.eval;

import dev.bitplan.contracts.plan.CalibrationMethod;
import dev.bitplan.engine.calib.ActivationQuantParams;
import dev.bitplan.engine.calib.CalibrationCollector;
import dev.bitplan.engine.calib.RangeCalibrator;
import dev.bitplan.engine.qdq.ActivationParams;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Static activation parameters from calibration statistics, computed once per (tensor, bits). */
public final class CalibratedActivations implements ActivationParams {

    private record Key(String tensor, int bits) {
    }

    private final CalibrationCollector statistics;
    private final CalibrationMethod method;
    private final double percentile;
    private final Map<Key, ActivationQuantParams> cache = new ConcurrentHashMap<>();

    public CalibratedActivations(CalibrationCollector statistics, CalibrationMethod method, double percentile) {
        this.statistics = statistics;
        this.method = method;
        this.percentile = percentile;
    }

    @Override
    public ActivationQuantParams params(String tensor, int bits) {
        return cache.computeIfAbsent(new Key(tensor, bits), k -> ActivationQuantParams.of(
                RangeCalibrator.range(statistics.statistics(k.tensor()), method, k.bits(), percentile), k.bits()));
    }
}
