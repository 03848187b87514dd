package dev.bitplan.planner;

import java.util.List;

/** Layers that must take options with the same label (e.g. inputs of one Add that share a scale). */
public record TieGroup(List<String> layers) {

    public TieGroup {
        layers = List.copyOf(layers);
    }
}
