package dev.bitplan.engine.sensitivity;

import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.FusionMode;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.search.LayerSensitivity;
import dev.bitplan.contracts.search.OptionSensitivity;
import dev.bitplan.contracts.search.PairSensitivity;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.contracts.search.SensitivityDepth;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerGraph;
import dev.bitplan.engine.metrics.Divergence;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Measures, for every layer and every option of the search space, what quantizing that layer alone costs. Two depths
 * ({@link SensitivityDepth}):
 * <ul>
 * <li>full: each option on the whole model, against FP32 with the rest float and against the all-8-bit plan with the
 * rest at 8 bits;</li>
 * <li>fast: each layer alone on its captured FP32 input first ({@link LocalErrorProbe}), at every option: cheap, and
 * good at telling a layer's options apart, not at telling layers apart (it cannot see how much of a layer's error reaches
 * the output). So each layer is then measured on the whole model once, at the option that errs most alone, which ranks
 * the layers truly; every option of the {@link #fullLayers} layers that cost most there is measured on the model too.
 * The other options of the remaining layers are predicted from their measured one by the ratio of local errors
 * ({@link DivergenceFit}, fitted on the fully measured layers) and marked {@code predicted}.</li>
 * </ul>
 * Then the interaction of adjacent layers both at their lowest bits, for at most {@link #DEFAULT_MAX_PAIRS} pairs
 * (fast: {@link #FAST_MAX_PAIRS}, between measured layers only): those whose two layers cost most alone. Runs on the
 * sensitivity samples of the given evaluator, which shares calibration and the weight cache with every other evaluation.
 */
public final class SensitivityAnalyzer {

    /**
     * Pair interactions measured at most. Residual and attention graphs have many more adjacent pairs than layers
     * (BGE-small: 732 for 75 layers, 12 minutes of a search at a second each), and a pair of layers that each cost
     * little alone rarely costs much together; the CNN fixtures have 12.
     */
    public static final int DEFAULT_MAX_PAIRS = 64;
    /** Pair interactions a fast analysis measures at most (between layers measured on the whole model). */
    public static final int FAST_MAX_PAIRS = 16;
    /** Fast depth: at least this many layers measured on the whole model (all of them in a model this small)... */
    public static final int FAST_MIN_FULL_LAYERS = 12;
    /** ...or this share of the layers, whichever is more. */
    public static final double FAST_FULL_SHARE = 0.2;

    private final PlanEvaluator evaluator;
    private final SearchSpace space;
    private final ProgressListener progress;
    private final int width;
    private final QuantPlan base;
    private Measured baseline;
    private int maxPairs = DEFAULT_MAX_PAIRS;
    private SensitivityDepth depth = SensitivityDepth.FULL;
    private DivergenceFit fit;

    private int modelPasses;
    private int probedLayers;
    private int layersOnModel;
    private int layersFully;
    private int pairsMeasured;
    private long probeNanos;
    private long layersNanos;
    private long pairsNanos;

    private record Measured(double metric, double divergence) {
    }

    /**
     * What an analysis cost: layers probed alone ({@link LocalErrorProbe}) and measured on the whole model, passes of the
     * whole model over the sensitivity samples (single layers and pairs), and wall time of each stage.
     */
    public record Cost(int layers, int probedLayers, int layersOnModel, int layersFully, int pairs, int modelPasses, long probeMillis,
                       long layersMillis, long pairsMillis) {
    }

    /** The cost of what this analyzer measured so far. */
    public Cost cost() {
        return new Cost(evaluator.model().layers().size(), probedLayers, layersOnModel, layersFully, pairsMeasured, modelPasses,
                probeNanos / 1_000_000,
                layersNanos / 1_000_000, pairsNanos / 1_000_000);
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

    /** How deep to measure (default full); fast also caps pairs at {@link #FAST_MAX_PAIRS} unless {@link #maxPairs} says less. */
    public SensitivityAnalyzer depth(SensitivityDepth value) {
        this.depth = value;
        if (value == SensitivityDepth.FAST) {
            maxPairs = Math.min(maxPairs, FAST_MAX_PAIRS);
        }
        return this;
    }

    /** Layers a fast analysis measures on the whole model, of {@code layerCount}. */
    public static int fullLayers(int layerCount) {
        return Math.min(layerCount, Math.max(FAST_MIN_FULL_LAYERS, (int) Math.ceil(FAST_FULL_SHARE * layerCount)));
    }

    /** The fit a fast analysis predicted with (null before one ran, or at full depth). */
    public DivergenceFit fit() {
        return fit;
    }

    /**
     * @param known   layers measured before (a resumed job): skipped
     * @param onLayer called after each newly measured layer, so it can be stored at once
     */
    public List<LayerSensitivity> layers(Map<String, LayerSensitivity> known, Consumer<LayerSensitivity> onLayer) {
        return depth == SensitivityDepth.FAST ? fastLayers(known, onLayer) : everyLayerOnModel(known, onLayer);
    }

    private List<LayerSensitivity> everyLayerOnModel(Map<String, LayerSensitivity> known, Consumer<LayerSensitivity> onLayer) {
        long t0 = System.nanoTime();
        List<Layer> layers = evaluator.model().layers();
        List<LayerSensitivity> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            LayerSensitivity s = known.get(layer.name());
            if (s == null) {
                s = measure(layer);
                layersOnModel++;
                layersFully++;
                onLayer.accept(s);
            }
            out.add(s);
            progress.progress("sensitivity", i + 1, layers.size());
        }
        layersNanos += System.nanoTime() - t0;
        return out;
    }

    private List<LayerSensitivity> fastLayers(Map<String, LayerSensitivity> known, Consumer<LayerSensitivity> onLayer) {
        List<Layer> layers = evaluator.model().layers();
        List<Layer> todo = layers.stream().filter(l -> !known.containsKey(l.name())).toList();
        int count = fullLayers(layers.size());
        // the overall figure (layers whose sensitivity is in hand), as at full depth; the stages below report their own
        progress.progress("sensitivity", layers.size() - todo.size(), layers.size());
        long t0 = System.nanoTime();
        // also where every layer will be measured whole: the local errors are the layers' SQNR in the report
        Map<String, Map<String, Double>> local = todo.isEmpty() ? Map.of()
                : new LocalErrorProbe(evaluator.quantizer(), evaluator.samples(), progress).measure(todo, this::options);
        probedLayers += local.size();
        probeNanos += System.nanoTime() - t0;

        t0 = System.nanoTime();
        // every probed layer on the model once, at the option that errs most alone: the layers' true ranking
        Map<String, OptionSensitivity> reference = new HashMap<>();
        int done = 0;
        for (Layer layer : todo) {
            Map<String, Double> errors = local.get(layer.name());
            if (errors != null) {
                String label = errors.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
                reference.put(layer.name(), measureOption(layer, optionOf(layer, label), errors));
                progress.progress("sensitivity: each layer at its coarsest option", ++done, local.size());
            }
        }
        // every option of the layers that cost most there (and of those the probe could not run)
        Set<String> whole = new LinkedHashSet<>();
        todo.stream().filter(l -> !local.containsKey(l.name())).forEach(l -> whole.add(l.name()));
        reference.entrySet().stream().sorted(Comparator.comparingDouble((Map.Entry<String, OptionSensitivity> e) -> e.getValue().divergence())
                .reversed()).limit(Math.max(0, count - whole.size() - fullyKnown(known))).forEach(e -> whole.add(e.getKey()));
        Map<String, LayerSensitivity> found = new HashMap<>(known);
        done = 0;
        for (Layer layer : todo) {
            if (whole.contains(layer.name())) {
                Map<String, Double> errors = local.getOrDefault(layer.name(), Map.of());
                OptionSensitivity ref = reference.get(layer.name());
                List<OptionSensitivity> options = new ArrayList<>();
                for (LayerChoice choice : options(layer)) {
                    options.add(ref != null && ref.label().equals(choice.label()) ? ref : measureOption(layer, choice, errors));
                }
                LayerSensitivity s = new LayerSensitivity(layer.name(), options);
                found.put(layer.name(), s);
                onLayer.accept(s);
                progress.progress("sensitivity: every option of the most sensitive layers", ++done, whole.size());
            }
        }
        layersOnModel += reference.size() + whole.size() - (int) whole.stream().filter(reference::containsKey).count();
        layersFully += whole.size();
        layersNanos += System.nanoTime() - t0;

        fit = DivergenceFit.of(found.values().stream().flatMap(l -> ratios(l).stream()).toList());
        List<LayerSensitivity> out = new ArrayList<>();
        for (Layer layer : layers) {
            LayerSensitivity s = found.get(layer.name());
            if (s == null) {
                s = predicted(layer, reference.get(layer.name()), local.get(layer.name()));
                onLayer.accept(s);
            }
            out.add(s);
        }
        progress.progress("sensitivity", layers.size(), layers.size());
        return out;
    }

    /** Layers a resumed analysis had measured at every option already. */
    private static long fullyKnown(Map<String, LayerSensitivity> known) {
        return known.values().stream().filter(l -> l.options().stream().noneMatch(OptionSensitivity::predicted)).count();
    }

    /** {@code (error ratio, divergence ratio)} of a fully measured layer's options over its coarsest one; none without local errors. */
    private static List<double[]> ratios(LayerSensitivity layer) {
        List<OptionSensitivity> probed = layer.options().stream().filter(o -> !o.predicted() && o.localError() != null).toList();
        if (probed.isEmpty() || layer.options().stream().anyMatch(OptionSensitivity::predicted)) {
            return List.of();
        }
        OptionSensitivity ref = probed.stream().max(Comparator.comparingDouble(OptionSensitivity::localError)).orElseThrow();
        return probed.stream().filter(o -> o != ref)
                .map(o -> new double[] {o.localError() / ref.localError(), o.divergence() / ref.divergence()}).toList();
    }

    /** The layer's options in this search space: {@link LayerOptions}, with SmoothQuant where the layer can take it. */
    private List<LayerChoice> options(Layer layer) {
        return LayerOptions.of(layer, space, space.smoothQuant() && evaluator.quantizer().smoothableLayers().contains(layer.name()));
    }

    private LayerChoice optionOf(Layer layer, String label) {
        return options(layer).stream().filter(c -> c.label().equals(label)).findFirst().orElseThrow();
    }

    /** One option on the whole model with the rest float (no rest-at-8-bit measurement), its local error beside it. */
    private OptionSensitivity measureOption(Layer layer, LayerChoice choice, Map<String, Double> local) {
        Measured alone = choice.isFloat() ? new Measured(evaluator.fp32Metric(), 0) : measure(QuantPlan.of(Map.of(layer.name(), choice)));
        return new OptionSensitivity(choice.label(), choice, evaluator.fp32Metric() - alone.metric(), alone.divergence(), null, null,
                local.get(choice.label()), false);
    }

    /**
     * A layer measured at its coarsest option only: the others predicted from it by their local errors ({@link #fit});
     * the float option costs nothing, as measured.
     */
    private LayerSensitivity predicted(Layer layer, OptionSensitivity reference, Map<String, Double> local) {
        List<OptionSensitivity> options = new ArrayList<>();
        for (LayerChoice choice : options(layer)) {
            if (choice.label().equals(reference.label())) {
                options.add(reference);
            } else if (choice.isFloat()) {
                options.add(new OptionSensitivity(choice.label(), choice, 0.0, 0, null, null, null, false));
            } else {
                double e = local.get(choice.label());
                options.add(new OptionSensitivity(choice.label(), choice, null,
                        fit.predict(reference.divergence(), reference.localError(), e), null, null, e, true));
            }
        }
        return new LayerSensitivity(layer.name(), options);
    }

    private LayerSensitivity measure(Layer layer) {
        List<OptionSensitivity> options = new ArrayList<>();
        for (LayerChoice choice : options(layer)) {
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
        long t0 = System.nanoTime();
        int low = space.weightBits().stream().min(Integer::compare).orElseThrow();
        Set<String> measured = new HashSet<>();
        singles.stream().filter(s -> s.options().stream().noneMatch(OptionSensitivity::predicted)).forEach(s -> measured.add(s.layer()));
        // pairs only between layers measured on the model: a predicted layer is one that matters little alone
        List<LayerGraph.Edge> all = LayerGraph.edges(evaluator.model().folded(), evaluator.model().layers()).stream()
                .filter(e -> measured.contains(e.from().name()) && measured.contains(e.to().name())).toList();
        List<LayerGraph.Edge> edges = mostSensitive(all, singles, low);
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
        pairsMeasured += out.size();
        pairsNanos += System.nanoTime() - t0;
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
        LayerChoice plain = LayerChoice.of(weightBits, activationBits, FusionMode.FUSED).withActivation(mode);
        // where SmoothQuant is a choice, the layer's plain options say so (unsmoothed)
        return options(layer).contains(plain) ? plain : plain.withSmoothed(false);
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
        modelPasses++;
        float[] outputs = evaluator.simulatedOutputs(plan);
        return new Measured(evaluator.scoreOutputs(outputs),
                Divergence.of(evaluator.metric(), outputs, evaluator.referenceOutputs(), width, evaluator.tokenMask()));
    }
}
