package dev.bitplan.contracts.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The option picked for one layer: weight bits, activation (input) bits, fusion mode and, optionally, how its input
 * is quantized; or float. In JSON: {@code {"weightBits":4,"activationBits":8,"fusion":"FUSED"}},
 * {@code {"weightBits":8,"activation":"DYNAMIC"}} or {@code {"float":true}}.
 *
 * @param activation {@code STATIC}, {@code DYNAMIC} or {@code WEIGHT_ONLY} for this layer; null (and {@code AUTO})
 *                   means the job's activation mode ({@link QuantizationOptions#activationMode()})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LayerChoice(Integer weightBits, Integer activationBits, FusionMode fusion,
                          @JsonProperty("float") Boolean floatLayer, ActivationMode activation) {

    public static final LayerChoice FLOAT = new LayerChoice(null, null, null, true);

    public LayerChoice(Integer weightBits, Integer activationBits, FusionMode fusion, Boolean floatLayer) {
        this(weightBits, activationBits, fusion, floatLayer, null);
    }

    public LayerChoice {
        boolean isFloat = Boolean.TRUE.equals(floatLayer);
        if (isFloat) {
            if (weightBits != null || activationBits != null) {
                throw new IllegalArgumentException("a float layer has no weightBits / activationBits");
            }
            if (activation != null && activation != ActivationMode.AUTO) {
                throw new IllegalArgumentException("a float layer has no activation mode");
            }
            floatLayer = true;
            fusion = null;
            activation = null;
        } else {
            if (weightBits == null) {
                throw new IllegalArgumentException("weightBits is required unless the layer is float");
            }
            checkBits("weightBits", weightBits);
            activationBits = activationBits == null ? 8 : activationBits;
            checkBits("activationBits", activationBits);
            fusion = fusion == null ? FusionMode.FUSED : fusion;
            floatLayer = null;
            activation = activation == ActivationMode.AUTO ? null : activation;
            if (activation == ActivationMode.DYNAMIC && activationBits != 8) {
                throw new IllegalArgumentException("dynamic activations are 8-bit (DynamicQuantizeLinear), got activationBits "
                        + activationBits);
            }
        }
    }

    public static LayerChoice of(int weightBits, int activationBits) {
        return new LayerChoice(weightBits, activationBits, FusionMode.FUSED, null);
    }

    public static LayerChoice of(int weightBits, int activationBits, FusionMode fusion) {
        return new LayerChoice(weightBits, activationBits, fusion, null);
    }

    /** This choice with its input quantized as {@code mode} (null: as the job says). */
    public LayerChoice withActivation(ActivationMode mode) {
        return new LayerChoice(weightBits, activationBits, fusion, floatLayer, mode);
    }

    private static void checkBits(String field, int bits) {
        if (bits != 4 && bits != 8) {
            throw new IllegalArgumentException(field + " must be 4 or 8, got " + bits);
        }
    }

    @JsonIgnore
    public boolean isFloat() {
        return floatLayer != null && floatLayer;
    }

    /**
     * A short label such as {@code w4a8} or {@code float}, with the fusion mode when it is not the default and the
     * activation mode when the layer sets one ({@code w8a8-dynamic}, {@code w8-weight-only}).
     */
    @JsonIgnore
    public String label() {
        if (isFloat()) {
            return "float";
        }
        String base = activation == ActivationMode.WEIGHT_ONLY ? "w" + weightBits : "w" + weightBits + "a" + activationBits;
        if (fusion != FusionMode.FUSED) {
            base += "-" + fusion.name().toLowerCase();
        }
        return activation == null ? base : base + "-" + activation.name().toLowerCase().replace('_', '-');
    }
}
