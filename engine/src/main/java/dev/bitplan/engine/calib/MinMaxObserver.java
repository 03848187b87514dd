package dev.bitplan.engine.calib;

/** {@code MINMAX}: the exact observed minimum and maximum, widened to include 0. */
public final class MinMaxObserver implements RangeObserver {

    @Override
    public ActivationRange range(TensorStatistics stats, int bits) {
        ActivationQuantParams.checkBits(bits);
        return stats.observedRange();
    }
}
