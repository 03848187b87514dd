package dev.bitplan.contracts.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How candidates are scored: post-training quantization, or PTQ followed by a short quantization-aware training. */
public enum Method {
    PTQ, QAT;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Method parse(String s) {
        for (Method m : values()) {
            if (m.id().equalsIgnoreCase(s.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown method '" + s + "'; use ptq or qat");
    }
}
