package dev.bitplan.contracts.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-layer choices for a model, keyed by layer name (the ONNX node name of the Conv / Gemm / MatMul /
 * Gather). Layers the map does not name take {@code defaultChoice}; without a default they stay float.
 * Versioned by {@link #SCHEMA_VERSION}; see the README for the JSON form.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QuantPlan(int schemaVersion, LayerChoice defaultChoice, Map<String, LayerChoice> layers) {

    public static final int SCHEMA_VERSION = 1;

    public QuantPlan {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException("plan schemaVersion " + schemaVersion + " is not supported (this build reads "
                    + SCHEMA_VERSION + ")");
        }
        layers = layers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(layers));
    }

    /** Every layer at the same weight and activation bits, fully fused. */
    public static QuantPlan uniform(int weightBits, int activationBits) {
        return new QuantPlan(SCHEMA_VERSION, LayerChoice.of(weightBits, activationBits), Map.of());
    }

    public static QuantPlan of(Map<String, LayerChoice> layers) {
        return new QuantPlan(SCHEMA_VERSION, null, layers);
    }

    /** The choice for a layer: its own entry, else the default, else float. */
    public LayerChoice choiceFor(String layerName) {
        LayerChoice own = layers.get(layerName);
        if (own != null) {
            return own;
        }
        return defaultChoice != null ? defaultChoice : LayerChoice.FLOAT;
    }

    /** A copy of this plan with one layer's choice replaced. */
    public QuantPlan with(String layerName, LayerChoice choice) {
        Map<String, LayerChoice> copy = new LinkedHashMap<>(layers);
        copy.put(layerName, choice);
        return new QuantPlan(schemaVersion, defaultChoice, copy);
    }

    @JsonIgnore
    public boolean isAllFloat() {
        return (defaultChoice == null || defaultChoice.isFloat()) && layers.values().stream().allMatch(LayerChoice::isFloat);
    }
}
