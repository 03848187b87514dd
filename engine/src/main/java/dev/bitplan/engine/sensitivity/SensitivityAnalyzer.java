package dev.bitplan.engine.sensitivity;

import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.FusionMode;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.search.LayerSensitivity;
import dev.bitplan.contracts.search.OptionSensitivity;
import dev.bitplan.contracts.search.PairSensitivity;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerGraph;
import dev.bitplan.engine.metrics.Divergence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Measures, for every layer and every option of the search space, what quantizing that layer alone
 * costs: against FP32 with the rest float, and against the all-8-bit plan with the rest at 8 bits. Then
 * the interaction of adjacent layers both at their lowest bits, for at most {@link #DEFAULT_MAX_PAIRS} pairs: those
 * whose two layers cost most alone. Runs on the sensitivity samples of the given evaluator, which shares calibration
 * and the weight cache with every other evaluation.
 */
public final class SensitivityAnalyzer {

    /**
     * Pair interactions measured at most. Residual and attention graphs have many more adjacent pairs than layers
     * (BGE-small: 732 for 75 layers, 12 minutes of a search at a second each), and a pair of layers that each cost
     * little alone rarely costs much together; the CNN fixtures have 12.
     */
    public static final int DEFAULT_MAX_PAIRS = 64;

    private final PlanEvaluator evaluator;
    private final SearchSpace space;
    private final ProgressListener progress;
    private final int width;
    private final QuantPlan base;
    private Measured baseline;
    private int maxPairs = DEFAULT_MAX_PAIRS;

    private record Measured(double metric, double divergence) {
    }

    public SensitivityAnalyzer(PlanEvaluator evaluator, SearchSpace space, ProgressListener progress) {
        this.evaluator = evaluator;
        this.space = space;
        this.progress = progress;
        this.width = evaluator.referenceOutputs().length / evaluator.validationSize();
        this.base = QuantPlan.uniform(8, space.activationBits().get(0));
    }

    /** Measures at most this many pair interactions (see {@link #DEFAULT_MAX_PAIRS}). */
    public SensitivityAnalyzer maxPairs(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("maxPairs must be >= 0, got " + value);
        }
        this.maxPairs = value;
        return this;
    }

    /**
     * @param known   layers measured before (a resumed job): skipped
     * @param onLayer called after each newly measured layer, so it can be stored at once
     */
    public List<LayerSensitivity> layers(Map<String, LayerSensitivity> known, Consumer<LayerSensitivity> onLayer) {
        List<Layer> layers = evaluator.model().layers();
        List<LayerSensitivity> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            LayerSensitivity s = known.get(layer.name());
            if (s == null) {
                s = measure(layer);
                onLayer.accept(s);
            }
            out.add(s);
            progress.progress("sensitivity", i + 1, layers.size());
        }
        return out;
    }

    private LayerSensitivity measure(Layer layer) {
        List<OptionSensitivity> options = new ArrayList<>();
        for (LayerChoice choice : LayerOptions.of(layer, space)) {
            Measured alone = choice.isFloat() ? new Measured(evaluator.fp32Metric(), 0)
                    : measure(QuantPlan.of(Map.of(layer.name(), choice)));
            Measured withRest8 = choice.equals(base.choiceFor(layer.name())) ? baseline()
                    : measure(base.with(layer.name(), choice));
            options.add(new OptionSensitivity(choice.label(), choice, evaluator.fp32Metric() - alone.metric(),
                    alone.divergence(), baseline().metric() - withRest8.metric(), withRest8.divergence() - baseline().divergence()));
        }
        return new LayerSensitivity(layer.name(), options);
    }

    /**
     * Interactions of adjacent layers, both at their lowest weight bits (default fusion, first activation
     * bits, first activation mode searched): divergence of the pair minus the two single divergences.
     */
    public List<PairSensitivity> pairs(List<LayerSensitivity> singles) {
        int low = space.weightBits().stream().min(Integer::compare).orElseThrow();
        List<LayerGraph.Edge> edges = mostSensitive(LayerGraph.edges(evaluator.model().folded(), evaluator.model().layers()), singles, low);
        List<PairSensitivity> out = new ArrayList<>();
        for (int i = 0; i < edges.size(); i++) {
            LayerGraph.Edge e = edges.get(i);
            LayerChoice from = pairChoice(e.from(), low);
            LayerChoice to = pairChoice(e.to(), low);
            double a = single(singles, e.from().name(), from.label());
            double b = single(singles, e.to().name(), to.label());
            Measured both = measure(QuantPlan.of(Map.of(e.from().name(), from, e.to().name(), to)));
            out.add(new PairSensitivity(e.from().name(), from.label(), e.to().name(), to.label(), both.divergence() - a - b));
            progress.progress("pair interactions", i + 1, edges.size());
        }
        return out;
    }

    /**
     * The {@link #maxPairs} edges whose layers both cost most alone at the pair's option (ranked by the smaller of the
     * two divergences), in their graph order; all of them when there are no more.
     */
    private List<LayerGraph.Edge> mostSensitive(List<LayerGraph.Edge> edges, List<LayerSensitivity> singles, int low) {
        if (edges.size() <= maxPairs) {
            return edges;
        }
        List<Integer> ranked = new ArrayList<>();
        double[] score = new double[edges.size()];
        for (int i = 0; i < edges.size(); i++) {
            LayerGraph.Edge e = edges.get(i);
            score[i] = Math.min(single(singles, e.from().name(), pairChoice(e.from(), low).label()),
                    single(singles, e.to().name(), pairChoice(e.to(), low).label()));
            ranked.add(i);
        }
        ranked.sort((a, b) -> Double.compare(score[b], score[a]));
        List<Integer> kept = new ArrayList<>(ranked.subList(0, maxPairs));
        kept.sort(Integer::compare);
        return kept.stream().map(edges::get).toList();
    }

    /** The option a layer takes in the pair measurements: one of those {@link LayerOptions} offers it. */
    private LayerChoice pairChoice(Layer layer, int weightBits) {
        ActivationMode mode = space.activationModes().isEmpty() || !layer.kind().quantizesActivations() ? null : space.activationModes().get(0);
        int activationBits = mode == ActivationMode.DYNAMIC ? 8 : space.activationBits().get(0);
        return LayerChoice.of(weightBits, activationBits, FusionMode.FUSED).withActivation(mode);
    }

    private static double single(List<LayerSensitivity> singles, String layer, String label) {
        return singles.stream().filter(s -> s.layer().equals(layer)).findFirst().orElseThrow().option(label).divergence();
    }

    private Measured baseline() {
        if (baseline == null) {
            baseline = measure(base);
        }
        return baseline;
    }

    private Measured measure(QuantPlan plan) {
        float[] outputs = evaluator.simulatedOutputs(plan);
        return new Measured(evaluator.scoreOutputs(outputs),
                Divergence.of(evaluator.metric(), outputs, evaluator.referenceOutputs(), width, evaluator.tokenMask()));
    }
}
