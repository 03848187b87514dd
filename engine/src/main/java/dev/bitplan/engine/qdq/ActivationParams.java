package dev.bitplan.engine.qdq;

import dev.bitplan.engine.calib.ActivationQuantParams;

/** Where static activation scales and zero points come from (calibration), by tensor name and bits. */
@FunctionalInterface
public interface ActivationParams {

    ActivationQuantParams params(String tensor, int bits);
}
