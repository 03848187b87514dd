package dev.bitplan.contracts.plan;

import java.util.Locale;

/** What a candidate is scored by; every metric is "higher is better". */
public enum Metric {
    /** Top-1 against the dataset's labels. */
    ACCURACY,
    /** Top-1 against the FP32 model's top-1; needs no labels. */
    AGREEMENT,
    /** Mean cosine similarity of the outputs to the FP32 outputs (embedding models). */
    COSINE,
    /** Signal-to-quantization-noise ratio of the outputs against FP32, in dB. */
    SQNR;

    /** Lower-case name as used in JSON and on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Metric parse(String s) {
        for (Metric m : values()) {
            if (m.id().equalsIgnoreCase(s.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown metric '" + s + "'; use accuracy, agreement, cosine or sqnr");
    }
}
