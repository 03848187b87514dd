package dev.bitplan.contracts.search;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How much of the model sensitivity analysis runs per layer option.
 * <ul>
 * <li>{@code FAST}: every layer alone on its captured FP32 input first (its local output error), then whole-model
 * measurements only for the layers that local error ranks as the most sensitive; the others' divergence is predicted
 * from their local error, fitted on the measured ones. Pair interactions only between measured layers.</li>
 * <li>{@code FULL}: every layer option on the whole model, with the rest float and with the rest at 8 bits.</li>
 * </ul>
 */
public enum SensitivityDepth {
    FAST, FULL;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static SensitivityDepth parse(String s) {
        for (SensitivityDepth d : values()) {
            if (d.id().equalsIgnoreCase(s.trim())) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown sensitivity depth '" + s + "'; use fast or full");
    }
}
