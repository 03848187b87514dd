package dev.bitplan.planner.internal;

import dev.bitplan.planner.PairInteraction;
import dev.bitplan.planner.PlanLayer;
import dev.bitplan.planner.PlanOption;
import dev.bitplan.planner.PlanProblem;
import dev.bitplan.planner.TieGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The problem as independent decisions: tied layers merged (transitively) into one group whose
 * options are the labels all its layers share, with summed sizes, latencies, BOPs and costs.
 * Pair terms inside one group become part of that group's option costs; the rest stay pairs.
 */
public final class DecisionGroups {

    /** One label of a group with its totals over the group's layers. */
    public record GroupOption(String label, long sizeBytes, double latencyMs, long latencyNanos, long bops,
                              double cost) {
    }

    /** One independent decision: its layers (problem order) and the labels they can all take. */
    public record Group(String id, List<String> layers, List<GroupOption> options) {

        /** Index of the option with this label, or -1. */
        public int indexOf(String label) {
            for (int i = 0; i < options.size(); i++) {
                if (options.get(i).label().equals(label)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** A pair term between two different groups. */
    public record GroupPair(int groupA, String labelA, int groupB, String labelB, double extraCost) {
    }

    private final List<Group> groups;
    private final List<GroupPair> pairs;

    private DecisionGroups(List<Group> groups, List<GroupPair> pairs) {
        this.groups = groups;
        this.pairs = pairs;
    }

    public List<Group> groups() {
        return groups;
    }

    /** Pair terms between different groups (empty for an additive problem). */
    public List<GroupPair> pairs() {
        return pairs;
    }

    /** Layer -> label for one label index per group. */
    public Map<String, String> expand(int[] optionIndexPerGroup) {
        Map<String, String> byLayer = new HashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            String label = groups.get(g).options().get(optionIndexPerGroup[g]).label();
            for (String layer : groups.get(g).layers()) {
                byLayer.put(layer, label);
            }
        }
        return byLayer;
    }

    /** Builds the groups; rejects ties or pairs that name unknown layers or options. */
    public static DecisionGroups of(PlanProblem problem) {
        Map<String, PlanLayer> layers = new LinkedHashMap<>();
        problem.layers().forEach(l -> layers.put(l.name(), l));
        int[] root = unionTies(problem, layers);

        // Groups in the order of their first layer, members in problem order.
        List<String> names = new ArrayList<>(layers.keySet());
        Map<Integer, List<String>> members = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            members.computeIfAbsent(find(root, i), k -> new ArrayList<>()).add(names.get(i));
        }
        Map<String, Integer> groupOfLayer = new HashMap<>();
        List<List<String>> memberLists = new ArrayList<>(members.values());
        for (int g = 0; g < memberLists.size(); g++) {
            for (String layer : memberLists.get(g)) {
                groupOfLayer.put(layer, g);
            }
        }

        // Pairs inside one group fold into that group's option cost; the others stay pairs.
        List<Map<String, Double>> folded = new ArrayList<>();
        memberLists.forEach(m -> folded.add(new HashMap<>()));
        List<GroupPair> cross = new ArrayList<>();
        for (PairInteraction p : problem.pairs()) {
            requireOption(layers, p.layerA(), p.optionA());
            requireOption(layers, p.layerB(), p.optionB());
            int ga = groupOfLayer.get(p.layerA());
            int gb = groupOfLayer.get(p.layerB());
            if (ga != gb) {
                cross.add(new GroupPair(ga, p.optionA(), gb, p.optionB(), p.extraCost()));
            } else if (p.optionA().equals(p.optionB())) {
                folded.get(ga).merge(p.optionA(), p.extraCost(), Double::sum);
            } // else: tied layers never take two different labels, so the term never applies
        }

        List<Group> groups = new ArrayList<>();
        for (int g = 0; g < memberLists.size(); g++) {
            groups.add(group(memberLists.get(g), layers, folded.get(g)));
        }
        // Drop pairs on a label the tie removed from a group: they can never apply.
        List<GroupPair> live = cross.stream()
                .filter(p -> groups.get(p.groupA()).indexOf(p.labelA()) >= 0
                        && groups.get(p.groupB()).indexOf(p.labelB()) >= 0)
                .toList();
        return new DecisionGroups(List.copyOf(groups), live);
    }

    private static int[] unionTies(PlanProblem problem, Map<String, PlanLayer> layers) {
        Map<String, Integer> index = new HashMap<>();
        int i = 0;
        for (String name : layers.keySet()) {
            index.put(name, i++);
        }
        int[] root = new int[layers.size()];
        for (int k = 0; k < root.length; k++) {
            root[k] = k;
        }
        for (TieGroup tie : problem.ties()) {
            Integer first = null;
            for (String layer : tie.layers()) {
                Integer at = index.get(layer);
                if (at == null) {
                    throw new IllegalArgumentException("tie group names unknown layer " + layer);
                }
                if (first == null) {
                    first = at;
                } else {
                    // Keep the smaller index as root so a group is named after its first layer.
                    int a = find(root, first);
                    int b = find(root, at);
                    root[Math.max(a, b)] = Math.min(a, b);
                }
            }
        }
        return root;
    }

    private static int find(int[] root, int i) {
        while (root[i] != i) {
            root[i] = root[root[i]];
            i = root[i];
        }
        return i;
    }

    private static Group group(List<String> members, Map<String, PlanLayer> layers, Map<String, Double> folded) {
        List<GroupOption> options = new ArrayList<>();
        for (PlanOption first : layers.get(members.get(0)).options()) {
            String label = first.label();
            long size = 0;
            long bops = 0;
            long nanos = 0;
            double latency = 0;
            double cost = folded.getOrDefault(label, 0.0);
            boolean shared = true;
            for (String layer : members) {
                PlanOption o = layers.get(layer).option(label);
                if (o == null) {
                    shared = false;
                    break;
                }
                size += o.sizeBytes();
                bops += o.bops();
                latency += o.latencyMs();
                nanos += Units.latencyNanos(o.latencyMs());
                cost += o.cost();
            }
            if (shared) {
                options.add(new GroupOption(label, size, latency, nanos, bops, cost));
            }
        }
        if (options.isEmpty()) {
            throw new IllegalArgumentException("tied layers " + members + " share no option label");
        }
        return new Group(members.get(0), List.copyOf(members), List.copyOf(options));
    }

    private static void requireOption(Map<String, PlanLayer> layers, String layer, String label) {
        PlanLayer l = layers.get(layer);
        if (l == null) {
            throw new IllegalArgumentException("pair interaction names unknown layer " + layer);
        }
        if (l.option(label) == null) {
            throw new IllegalArgumentException("pair interaction names unknown option " + label + " of " + layer);
        }
    }
}
