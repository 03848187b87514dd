package dev.bitplan.qat.quant;

import ai.djl.ndarray.NDArray;
import dev.bitplan.engine.calib.ActivationQuantParams;

/**
 * A static activation whose scale QAT learns (LSQ): the tensor the engine calibrated, its fixed zero point and bits,
 * and the scale as a parameter, starting from the calibrated value.
 *
 * @param tensor      the float tensor the engine quantizes (its name in the model)
 * @param calibrated  the calibrated parameters the scale started from
 * @param scale       the scale, a scalar parameter
 */
public record LearnedRange(String tensor, ActivationQuantParams calibrated, NDArray scale) {

    /** The parameters as trained: the learned scale with the calibrated zero point; null if the scale left (0, inf). */
    public ActivationQuantParams learned() {
        float s = scale.toFloatArray()[0];
        return s > 0 && Float.isFinite(s) ? new ActivationQuantParams(s, calibrated.zeroPoint(), calibrated.bits()) : null;
    }
}
