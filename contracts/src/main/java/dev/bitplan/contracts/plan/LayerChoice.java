package dev.bitplan.contracts.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The option picked for one layer: weight bits, activation (input) bits and fusion mode, or float.
 * In JSON: {@code {"weightBits":4,"activationBits":8,"fusion":"FUSED"}} or {@code {"float":true}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LayerChoice(Integer weightBits, Integer activationBits, FusionMode fusion,
                          @JsonProperty("float") Boolean floatLayer) {

    public static final LayerChoice FLOAT = new LayerChoice(null, null, null, true);

    public LayerChoice {
        boolean isFloat = Boolean.TRUE.equals(floatLayer);
        if (isFloat) {
            if (weightBits != null || activationBits != null) {
                throw new IllegalArgumentException("a float layer has no weightBits / activationBits");
            }
            floatLayer = true;
            fusion = null;
        } else {
            if (weightBits == null) {
                throw new IllegalArgumentException("weightBits is required unless the layer is float");
            }
            checkBits("weightBits", weightBits);
            activationBits = activationBits == null ? 8 : activationBits;
            checkBits("activationBits", activationBits);
            fusion = fusion == null ? FusionMode.FUSED : fusion;
            floatLayer = null;
        }
    }

    public static LayerChoice of(int weightBits, int activationBits) {
        return new LayerChoice(weightBits, activationBits, FusionMode.FUSED, null);
    }

    public static LayerChoice of(int weightBits, int activationBits, FusionMode fusion) {
        return new LayerChoice(weightBits, activationBits, fusion, null);
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

    /** A short label such as {@code w4a8} or {@code float}, with the fusion mode when it is not the default. */
    @JsonIgnore
    public String label() {
        if (isFloat()) {
            return "float";
        }
        String base = "w" + weightBits + "a" + activationBits;
        return fusion == FusionMode.FUSED ? base : base + "-" + fusion.name().toLowerCase();
    }
}
