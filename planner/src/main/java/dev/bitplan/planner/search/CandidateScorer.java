package dev.bitplan.planner.search;

import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.export.ExportedModel;
import dev.bitplan.engine.latency.LatencyTable;
import dev.bitplan.engine.layers.Layer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates candidate plans on the validation samples: simulated metric, the exported model's metric as
 * deployed, modelled and exported size, measured and estimated latency, BOPs; then marks the Pareto front.
 */
final class CandidateScorer {

    /** A plan to evaluate, before measurement, with its objective (summed sensitivity plus interactions). */
    record Proposal(String id, String kind, QuantPlan plan, double objective) {
    }

    private final PlanEvaluator validation;
    private final LatencyTable latency;
    private final SearchRequest request;
    private final ProgressListener progress;

    CandidateScorer(PlanEvaluator validation, LatencyTable latency, SearchRequest request, ProgressListener progress) {
        this.validation = validation;
        this.latency = latency;
        this.request = request;
        this.progress = progress;
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

    /**
     * Every candidate gets its simulated metric, sizes, BOPs and measured latency; the ones on the Pareto
     * front are also re-run as deployed (the export is what a user takes away, so its metric is checked).
     */
    List<Candidate> score(List<Proposal> proposals, Map<String, ExportedModel> exports) {
        List<Layer> layers = validation.model().layers();
        var mode = request.quantization().activationMode();
        List<Candidate> scored = new ArrayList<>();
        for (int i = 0; i < proposals.size(); i++) {
            Proposal p = proposals.get(i);
            boolean fp32 = p.kind().equals("baseline-fp32");
            double metric = fp32 ? validation.fp32Metric() : validation.evaluate(p.plan());
            ExportedModel exported = fp32 ? new ExportedModel(validation.model().foldedBytes(), List.of()) : validation.export(p.plan());
            exports.put(p.id(), exported);
            double measured = validation.latencyMillis(exported.bytes(), request.latencyRuns());
            scored.add(new Candidate(p.id(), p.kind(), p.plan(), metric, null, validation.cost().sizeBytes(p.plan()),
                    exported.sizeBytes(), measured, latency.estimateMillis(p.plan(), layers), validation.cost().bops(p.plan(), mode),
                    p.objective(), false, false));
            progress.progress("candidates", i + 1, proposals.size());
        }
        List<Candidate> marked = markFront(scored);
        List<Candidate> out = new ArrayList<>();
        for (Candidate c : marked) {
            Double deployed = null;
            if (c.onFront()) {
                deployed = c.kind().equals("baseline-fp32") ? c.metric() : validation.score(exports.get(c.id()).bytes(), "deployed " + c.id());
            }
            out.add(new Candidate(c.id(), c.kind(), c.plan(), c.metric(), deployed, c.sizeBytes(), c.exportedBytes(), c.latencyMs(),
                    c.estimatedLatencyMs(), c.bops(), c.objective(), c.onFront(), c.withinBudgets()));
        }
        return out;
    }

    private static List<Candidate> markFront(List<Candidate> candidates) {
        List<ParetoFront.Point> points = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            points.add(new ParetoFront.Point(i, c.metric(), c.sizeBytes(), c.latencyMs()));
        }
        Set<Integer> front = new LinkedHashSet<>(ParetoFront.front(points));
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            out.add(new Candidate(c.id(), c.kind(), c.plan(), c.metric(), c.deployedMetric(), c.sizeBytes(), c.exportedBytes(),
                    c.latencyMs(), c.estimatedLatencyMs(), c.bops(), c.objective(), front.contains(i), c.withinBudgets()));
        }
        return out;
    }
}
