package dev.bitplan.engine.sensitivity;

import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.FusionMode;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerKind;
import dev.bitplan.engine.quant.BlockWiseRule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The options a layer has in a search space: bits x activation bits x the fusion modes its pattern allows x the
 * activation modes searched (for layers that quantize their input), 4-bit block-wise weights where the space offers
 * them and blocks fit the layer, each option that quantizes the input with and without SmoothQuant where the space
 * offers it and the layer reads a LayerNorm it can fold into, and float.
 */
public final class LayerOptions {

    private LayerOptions() {
    }

    /** The options of a layer that cannot be smoothed (or of a space that does not offer SmoothQuant). */
    public static List<LayerChoice> of(Layer layer, SearchSpace space) {
        return of(layer, space, false);
    }

    /** @param smoothable whether the layer reads a LayerNorm SmoothQuant can fold into ({@code Quantizer.smoothableLayers}) */
    public static List<LayerChoice> of(Layer layer, SearchSpace space, boolean smoothable) {
        List<LayerChoice> out = new ArrayList<>();
        List<FusionMode> modes = space.fusionChoices() ? layer.fusionModes() : List.of(FusionMode.FUSED);
        // a Gather is weight-only: its activation bits mean nothing, so only the first is offered
        List<Integer> actBits = layer.kind() == LayerKind.GATHER ? space.activationBits().subList(0, 1) : space.activationBits();
        List<ActivationMode> activationModes = space.activationModes().isEmpty() || !layer.kind().quantizesActivations()
                ? Collections.singletonList(null) : space.activationModes();
        for (int w : space.weightBits()) {
            for (int a : actBits) {
                for (FusionMode m : modes) {
                    for (ActivationMode mode : activationModes) {
                        if (!offered(mode, a, actBits.get(0))) {
                            continue;
                        }
                        LayerChoice c = LayerChoice.of(w, a, m).withActivation(mode);
                        if (space.smoothQuant() && smoothable && mode != ActivationMode.WEIGHT_ONLY) {
                            out.add(c.withSmoothed(false));
                            out.add(c.withSmoothed(true));
                        } else {
                            out.add(c);
                        }
                    }
                }
            }
        }
        if (space.weightBits().contains(4)) {
            for (int size : space.blockSizes()) {
                // the opset is not known here: a model below opset 21 falls back to per-channel with a note in the export
                if (size == 0 || BlockWiseRule.fallbackReason(layer, 4, size, Integer.MAX_VALUE).isEmpty()) {
                    out.add(LayerChoice.of(4, actBits.get(0)).withBlockSize(size)); // block-wise is weight-only: one option
                }
            }
        }
        if (space.allowFloat()) {
            out.add(LayerChoice.FLOAT);
        }
        return out;
    }

    /** Dynamic is 8-bit only; weight-only reads no activation bits, so it is offered once, at the first bits searched. */
    private static boolean offered(ActivationMode mode, int activationBits, int firstBits) {
        return switch (mode == null ? ActivationMode.AUTO : mode) {
            case DYNAMIC -> activationBits == 8;
            case WEIGHT_ONLY -> activationBits == firstBits;
            default -> true;
        };
    }
}
