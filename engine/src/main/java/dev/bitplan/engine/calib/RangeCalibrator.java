package dev.bitplan.engine.calib;

import dev.bitplan.contracts.plan.CalibrationMethod;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Turns collected calibration statistics into activation ranges and quantization parameters for any method. */
public final class RangeCalibrator {

    private RangeCalibrator() {
    }

    /** The observer for {@code method}; {@code percentile} is only used by {@link CalibrationMethod#PERCENTILE}. */
    public static RangeObserver observer(CalibrationMethod method, double percentile) {
        return switch (Objects.requireNonNull(method, "method")) {
            case MINMAX -> new MinMaxObserver();
            case PERCENTILE -> new PercentileObserver(percentile);
            case ENTROPY -> new EntropyObserver();
            case MSE -> new MseObserver();
        };
    }

    /** The range {@code method} picks for one tensor at {@code bits} bits; always includes 0. */
    public static ActivationRange range(TensorStatistics stats, CalibrationMethod method, int bits,
                                        double percentile) {
        return observer(method, percentile).range(stats, bits);
    }

    /** The range of every collected tensor, in the order tensors were first seen. */
    public static Map<String, ActivationRange> ranges(CalibrationCollector collector, CalibrationMethod method,
                                                      int bits, double percentile) {
        RangeObserver observer = observer(method, percentile);
        Map<String, ActivationRange> ranges = new LinkedHashMap<>();
        for (String tensor : collector.tensorNames()) {
            ranges.put(tensor, observer.range(collector.statistics(tensor), bits));
        }
        return ranges;
    }

    /** The affine quantization parameters of every collected tensor at {@code bits} bits. */
    public static Map<String, ActivationQuantParams> quantParams(CalibrationCollector collector,
                                                                 CalibrationMethod method, int bits,
                                                                 double percentile) {
        Map<String, ActivationQuantParams> params = new LinkedHashMap<>();
        ranges(collector, method, bits, percentile)
                .forEach((tensor, range) -> params.put(tensor, ActivationQuantParams.of(range, bits)));
        return params;
    }
}
