package dev.bitplan.planner;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/** A quantizable layer and the options it may take (labels unique within the layer). */
public record PlanLayer(String name, List<PlanOption> options) {

    public PlanLayer {
        Objects.requireNonNull(name, "name");
        options = List.copyOf(options);
        if (options.isEmpty()) {
            throw new IllegalArgumentException("layer " + name + " has no option");
        }
        var labels = new HashSet<String>();
        for (PlanOption o : options) {
            if (!labels.add(o.label())) {
                throw new IllegalArgumentException("layer " + name + " lists option " + o.label() + " twice");
            }
        }
    }

    /** The option with this label, or null. */
    public PlanOption option(String label) {
        for (PlanOption o : options) {
            if (o.label().equals(label)) {
                return o;
            }
        }
        return null;
    }
}
