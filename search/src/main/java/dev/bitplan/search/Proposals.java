package dev.bitplan.search;

import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.search.CandidateKind;
import dev.bitplan.engine.layers.Layer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The plans a search proposes for measurement, before they are measured. */
final class Proposals {

    /** A plan to evaluate, with its objective (summed sensitivity plus interactions). */
    record Proposal(String id, CandidateKind kind, QuantPlan plan, double objective) {
    }

    private Proposals() {
    }

    /** Drops proposals whose per-layer choices equal an earlier one's (baselines come first, so they win). */
    static List<Proposal> dedupe(List<Proposal> proposals, List<Layer> layers) {
        Set<Map<String, LayerChoice>> seen = new LinkedHashSet<>();
        List<Proposal> out = new ArrayList<>();
        for (Proposal p : proposals) {
            Map<String, LayerChoice> full = new LinkedHashMap<>();
            layers.forEach(l -> full.put(l.name(), p.plan().choiceFor(l.name())));
            if (seen.add(full)) {
                out.add(p);
            }
        }
        return out;
    }
}
