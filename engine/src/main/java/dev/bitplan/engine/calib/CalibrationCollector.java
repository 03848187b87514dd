package dev.bitplan.engine.calib;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The statistics of every tensor seen during one calibration pass, by tensor name. Not thread-safe: give each
 * worker its own collector and {@link #merge} them afterwards.
 */
public final class CalibrationCollector {

    private final Map<String, TensorStatistics> byTensor = new LinkedHashMap<>();

    /** Adds one batch of {@code tensor}'s values. */
    public void accept(String tensor, float[] values) {
        accept(tensor, values, 0, values.length);
    }

    /** Adds {@code values[offset .. offset + length)} to {@code tensor}. */
    public void accept(String tensor, float[] values, int offset, int length) {
        statisticsFor(tensor).accept(values, offset, length);
    }

    /** Folds every tensor of {@code other} into this collector. */
    public void merge(CalibrationCollector other) {
        if (other == this) {
            throw new IllegalArgumentException("cannot merge a collector into itself");
        }
        other.byTensor.forEach((tensor, stats) -> statisticsFor(tensor).merge(stats));
    }

    /** The live statistics of {@code tensor}; throws if it was never seen. */
    public TensorStatistics statistics(String tensor) {
        TensorStatistics stats = byTensor.get(tensor);
        if (stats == null) {
            throw new IllegalArgumentException("no calibration data for tensor '" + tensor + "'");
        }
        return stats;
    }

    public boolean contains(String tensor) {
        return byTensor.containsKey(tensor);
    }

    /** Names of the tensors seen, in first-seen order; a read-only view. */
    public Set<String> tensorNames() {
        return Collections.unmodifiableSet(byTensor.keySet());
    }

    private TensorStatistics statisticsFor(String tensor) {
        return byTensor.computeIfAbsent(Objects.requireNonNull(tensor, "tensor"), name -> new TensorStatistics());
    }
}
