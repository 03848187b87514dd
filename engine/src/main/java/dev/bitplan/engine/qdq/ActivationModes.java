package dev.bitplan.engine.qdq;

import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerKind;
import java.util.List;

/** The activation mode each layer runs in: the job's mode, with {@link ActivationMode#AUTO} resolved per layer. */
public final class ActivationModes {

    private ActivationModes() {
    }

    /**
     * {@link ActivationMode#STATIC}, {@link ActivationMode#DYNAMIC} or {@link ActivationMode#WEIGHT_ONLY} for one layer
     * at the activation bits a plan gives it; a Gather (an embedding) is always weight-only.
     */
    public static ActivationMode of(ActivationMode mode, Layer layer, LayerChoice choice) {
        if (choice.activation() != null && layer.kind().quantizesActivations()) {
            return choice.activation();
        }
        return of(mode, layer, choice.activationBits());
    }

    /** The job's mode for one layer at these activation bits (a choice that sets its own mode: the other {@code of}). */
    public static ActivationMode of(ActivationMode mode, Layer layer, int activationBits) {
        if (!layer.kind().quantizesActivations()) {
            return ActivationMode.WEIGHT_ONLY;
        }
        if (mode != ActivationMode.AUTO) {
            return mode;
        }
        return layer.kind() == LayerKind.MATMUL && activationBits == 8 ? ActivationMode.DYNAMIC : ActivationMode.STATIC;
    }

    /** Whether the default plan (8-bit activations everywhere) needs calibrated ranges. */
    public static boolean needsCalibration(ActivationMode mode, List<Layer> layers) {
        return layers.stream().anyMatch(l -> of(mode, l, 8) == ActivationMode.STATIC);
    }
}
