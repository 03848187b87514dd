package dev.bitplan.contracts.search;

import java.util.List;

/** The sensitivity of every option of one layer: the unit that is stored and skipped on resume. */
public record LayerSensitivity(String layer, List<OptionSensitivity> options) {

    public OptionSensitivity option(String label) {
        return options.stream().filter(o -> o.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("layer " + layer + " has no option " + label));
    }
}
