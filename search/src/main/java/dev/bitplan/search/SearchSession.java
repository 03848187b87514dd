package dev.bitplan.search;

import dev.bitplan.contracts.blob.Sha256;
import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.FusionMode;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.CandidateKind;
import dev.bitplan.contracts.search.CandidateProposal;
import dev.bitplan.contracts.search.LayerReport;
import dev.bitplan.contracts.search.LayerSensitivity;
import dev.bitplan.contracts.search.PairSensitivity;
import dev.bitplan.contracts.search.SearchProfile;
import dev.bitplan.contracts.search.SearchReport;
import dev.bitplan.contracts.search.SensitivityDepth;
import dev.bitplan.contracts.search.TensorRangeReport;
import dev.bitplan.engine.calib.CalibrationCollector;
import dev.bitplan.engine.calib.RangeReports;
import dev.bitplan.engine.cost.CostModel;
import dev.bitplan.engine.data.StreamedDataset;
import dev.bitplan.engine.eval.DefaultMetric;
import dev.bitplan.engine.eval.EvaluationSamples;
import dev.bitplan.engine.eval.EvaluationSamples.SearchSplit;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.eval.Quantizer;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.latency.LatencyTable;
import dev.bitplan.engine.latency.LatencyTableBuilder;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.qdq.ExportedModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.sensitivity.LayerOptions;
import dev.bitplan.engine.sensitivity.SensitivityAnalyzer;
import dev.bitplan.planner.Budgets;
import dev.bitplan.planner.PlanLayer;
import dev.bitplan.planner.PlanProblem;
import dev.bitplan.planner.PlanSolution;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The two halves of a search over one model and dataset, callable apart: {@link #profile} (calibrate, measure
 * sensitivity and the latency table, solve a sweep of budgets: what a search worker does) and {@link #measure}
 * (score one proposed plan on the validation samples and export it: what an evaluator does). Splits are drawn
 * from the request's seed, so sessions in different processes calibrate and validate on the same samples.
 */
public final class SearchSession {

    private final SearchRequest request;
    private final ProgressListener progress;
    private final OnnxModel loaded;
    private final PreparedModel model;
    private final SearchSplit split;
    private final Metric metric;
    private final Quantizer quantizer;
    private PlanEvaluator validation;
    private PlanProblem problem;
    private List<LayerSensitivity> sensitivity;

    public SearchSession(SearchRequest request, RuntimeOptions runtime, ProgressListener progress) {
        this.request = request;
        this.progress = progress;
        this.loaded = ModelLoader.load(request.model());
        this.model = PreparedModel.of(loaded).requireLayers();
        this.split = EvaluationSamples.loadForSearch(loaded, request.data(), request.calibrationData(), request.calibrationSamples(),
                request.sensitivitySamples(), request.seed());
        this.metric = request.metric() != null ? request.metric() : DefaultMetric.of(model.folded(), split.validation());
        this.quantizer = new Quantizer(model, split.calibration(), request.quantization(), runtime, progress);
    }

    public Metric metric() {
        return metric;
    }

    public CostModel cost() {
        return quantizer.cost();
    }

    /** The solver's problem of the last {@link #profile} (layer sizes and latencies, sensitivity costs, budgets). */
    public PlanProblem problem() {
        return problem;
    }

    /** The per-layer sensitivity of the last {@link #profile}. */
    public List<LayerSensitivity> sensitivity() {
        return sensitivity;
    }

    /**
     * The measuring half: everything a report needs except the measured candidates.
     *
     * @param known    layers measured before (by this or another worker), not measured again
     * @param onLayer  receives each newly measured layer as soon as it is measured, so it can be stored for a resume
     */
    public SearchProfile profile(Map<String, LayerSensitivity> known, Consumer<LayerSensitivity> onLayer) {
        return profile(known, Map.of(), onLayer);
    }

    /**
     * As {@link #profile(Map, Consumer)}, with batch-1 latency entries measured before (by layer, then option label),
     * taken instead of timed again: a nightly re-search passes those of the layers whose digest did not change.
     */
    public SearchProfile profile(Map<String, LayerSensitivity> known, Map<String, Map<String, Double>> knownLatency,
                                 Consumer<LayerSensitivity> onLayer) {
        CostModel cost = quantizer.cost();
        // refuse an impossible size or BOPs budget before the measuring stages, not after them
        Feasibility.check(model, cost, request.space(), request.quantization(), request.budgets());
        Map<String, Long> stageMillis = new LinkedHashMap<>();
        long t = System.nanoTime();
        quantizer.calibrate();
        stageMillis.put("calibration", since(t));

        t = System.nanoTime();
        SensitivityRun measured = measureSensitivity(request.sensitivity(), known, onLayer);
        sensitivity = measured.layers();
        List<PairSensitivity> pairs = measured.pairs();
        stageMillis.put("sensitivity", since(t));

        t = System.nanoTime();
        LatencyTable latency = latencyTable(1, knownLatency);
        LatencyTable atBatch = request.latencyBatch() > 1 ? latencyTable(request.latencyBatch(), Map.of()) : null;
        stageMillis.put("latency", since(t));

        t = System.nanoTime();
        long fp32FileBytes = model.foldedBytes().length;
        Long sizeLimit = solverSizeLimit(request.budgets().sizeLimit(fp32FileBytes), cost);
        List<PlanLayer> planLayers = ProblemBuilder.layers(model.layers(), sensitivity, cost, latency, request.quantization().activationMode());
        Budgets budgets = ProblemBuilder.layerBudgets(sizeLimit, request.budgets().maxLatencyMs(), request.budgets().maxBops(), cost, latency);
        problem = ProblemBuilder.problem(planLayers, ProblemBuilder.pairs(pairs), ProblemBuilder.ties(model, request.space()), budgets);
        List<PlanSolution> solutions = new BudgetSweep(request.candidates(), request.seed())
                .solve(problem, cost.remainderBytes(), latency.overheadMillis());
        progress.progress("solve", 1, 1);
        stageMillis.put("solve", since(t));

        List<CandidateProposal> proposals = new ArrayList<>();
        for (Proposals.Proposal p : baselinesAndSolutions(solutions)) {
            proposals.add(new CandidateProposal(p.id(), p.kind(), p.plan(), ProblemBuilder.objective(p.plan(), sensitivity, pairs),
                    latency.estimateMillis(p.plan(), model.layers())));
        }
        SearchReport.Inputs inputs = new SearchReport.Inputs(request.model().getFileName().toString(), Sha256.of(request.model()),
                request.data().getFileName().toString(), Sha256.of(request.data()), split.calibration().size(),
                split.sensitivity().size(), split.validation().size());
        SearchReport.Fp32 fp32 = new SearchReport.Fp32(validation().fp32Metric(), cost.fp32Bytes(), 0,
                cost.bops(QuantPlan.of(Map.of()), request.quantization().activationMode()), fp32FileBytes);
        return new SearchProfile(metric.id(), inputs,
                new SearchReport.Settings(request.quantization(), request.space(), request.candidates(), request.seed()), fp32,
                request.budgets(), layerReports(cost, latency, atBatch), pairs, proposals, latency.overheadMillis(), stageMillis);
    }

    /** What sensitivity analysis found, and what it cost. */
    public record SensitivityRun(List<LayerSensitivity> layers, List<PairSensitivity> pairs, SensitivityAnalyzer.Cost cost) {
    }

    /** Sensitivity alone, at a given depth, with nothing stored (for benchmarks); calibrates first when needed. */
    public SensitivityRun sensitivity(SensitivityDepth depth) {
        quantizer.calibrate();
        return measureSensitivity(depth, Map.of(), s -> {
        });
    }

    private SensitivityRun measureSensitivity(SensitivityDepth depth, Map<String, LayerSensitivity> known, Consumer<LayerSensitivity> onLayer) {
        PlanEvaluator sensitivityEval = new PlanEvaluator(quantizer, split.sensitivity(), metric)
                .onSamples(split.sensitivity(), ProgressListener.NONE);
        SensitivityAnalyzer analyzer = new SensitivityAnalyzer(sensitivityEval, request.space(), progress).depth(depth);
        List<LayerSensitivity> layers = analyzer.layers(known, onLayer);
        List<PairSensitivity> pairs = analyzer.pairs(layers);
        return new SensitivityRun(layers, pairs, analyzer.cost());
    }

    /**
     * The modelled size the solver may plan up to for a file size limit: the limit less what an exported file holds
     * beyond the modelled bytes (graph, node and tensor names, activation scales, int32 biases), measured once on the
     * all-8-bit export, where every layer carries its share of it. Null for no limit.
     */
    private Long solverSizeLimit(Long fileLimit, CostModel cost) {
        if (fileLimit == null) {
            return null;
        }
        QuantPlan all8 = uniform(8, request.space().activationBits().get(0));
        long overhead = Math.max(0, validation().export(all8).sizeBytes() - cost.sizeBytes(all8));
        return fileLimit - overhead;
    }

    /**
     * The evaluating half for one plan: simulated metric on the validation samples, the exported model run as
     * deployed, modelled and exported size, BOPs, measured batch-1 latency. Calibrates on first use.
     */
    public MeasuredCandidate measure(CandidateProposal p) {
        PlanEvaluator v = validation();
        boolean fp32 = p.fp32();
        double simulated = fp32 ? v.fp32Metric() : v.evaluate(p.plan());
        ExportedModel exported = fp32 ? new ExportedModel(model.foldedBytes(), List.of()) : v.export(p.plan());
        double latencyMs = v.latencyMillis(exported.bytes(), request.latencyRuns());
        double deployed = fp32 ? simulated : v.deployedMetric(p.plan(), exported, simulated, "deployed " + p.id());
        Candidate c = new Candidate(p.id(), p.kind(), p.plan(), simulated, deployed, v.cost().sizeBytes(p.plan()), exported.sizeBytes(),
                latencyMs, p.estimatedLatencyMs(), v.cost().bops(p.plan(), request.quantization().activationMode()), p.objective(),
                false, false);
        return new MeasuredCandidate(c, exported);
    }

    /**
     * The candidates with their batch-1 latencies measured again, all together, their runs interleaved in blocks
     * ({@code LatencyMeter.interleavedMedians}): one at a time, each candidate meets whatever load the machine had at
     * its turn, which on a shared 2-core VM moved the same model's latency by 2-3x between runs; interleaved, load
     * drift hits all of them alike, so their ratios (and the estimate's error against them) mean something.
     */
    public List<Candidate> retimedTogether(List<MeasuredCandidate> measured) {
        double[] ms = validation().latencyMillis(measured.stream().map(m -> m.exported().bytes()).toList(), request.latencyRuns());
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < measured.size(); i++) {
            out.add(measured.get(i).candidate().withLatency(ms[i]));
        }
        return out;
    }

    /** The evaluator of plans on the validation samples (calibrated on first use); QAT scores against its FP32 reference. */
    public PlanEvaluator validationEvaluator() {
        return validation();
    }

    /** The samples this session calibrates on. */
    public SampleSet calibrationSamples() {
        return split.calibration();
    }

    /**
     * Every sample of an NPZ file, checked for this session's model and left on disk (e.g. a QAT training set): batches
     * are read from a spill the caller closes.
     */
    public StreamedDataset streamedFile(Path file) {
        return EvaluationSamples.streamed(loaded, file);
    }

    /** Measured batch-1 latency of a deployable model, as candidates' latencies are measured. */
    public double latencyMillis(byte[] deployable) {
        return validation().latencyMillis(deployable, request.latencyRuns());
    }

    /** The simulated metric of any plan on the validation samples (no export, no latency). */
    public double evaluate(QuantPlan plan) {
        return validation().evaluate(plan);
    }

    private synchronized PlanEvaluator validation() {
        if (validation == null) {
            validation = new PlanEvaluator(quantizer, split.validation(), metric);
        }
        return validation;
    }

    private LatencyTable latencyTable(int batch, Map<String, Map<String, Double>> known) {
        Map<String, List<LayerChoice>> options = new LinkedHashMap<>();
        for (Layer l : model.layers()) {
            List<LayerChoice> choices = new ArrayList<>(LayerOptions.of(l, request.space()));
            if (!choices.contains(LayerChoice.FLOAT)) {
                choices.add(LayerChoice.FLOAT); // the FP32 baseline needs it
            }
            options.put(l.name(), choices);
        }
        return new LatencyTableBuilder(model, split.validation().inputs(), request.quantization(), quantizer.activations())
                .runtime(quantizer.runtime()).runs(request.latencyRuns()).batch(batch).progress(progress).known(known).build(options);
    }

    /**
     * A uniform baseline in the search's own options: where activation modes are searched, each layer at its first
     * option with these bits (the first mode searched), so that its sensitivity and latency were measured.
     */
    private QuantPlan uniform(int weightBits, int activationBits) {
        if (request.space().activationModes().isEmpty() && !request.space().smoothQuant()) {
            return QuantPlan.uniform(weightBits, activationBits);
        }
        Map<String, LayerChoice> choices = new LinkedHashMap<>();
        for (Layer l : model.layers()) {
            // where SmoothQuant is searched, the unsmoothed option comes first: the baselines stay what they were
            LayerOptions.of(l, request.space(), quantizer.smoothableLayers().contains(l.name())).stream()
                    .filter(c -> !c.isFloat() && c.weightBits() == weightBits && c.fusion() == FusionMode.FUSED
                            && (c.activation() == ActivationMode.WEIGHT_ONLY || c.activationBits() == activationBits))
                    .findFirst().ifPresent(c -> choices.put(l.name(), c));
        }
        return QuantPlan.of(choices);
    }

    /** Baselines first (FP32, all 8-bit, all lowest bits), then the solver's plans, as full per-layer plans, without repeats. */
    private List<Proposals.Proposal> baselinesAndSolutions(List<PlanSolution> solutions) {
        int act = request.space().activationBits().get(0);
        int low = request.space().weightBits().stream().min(Integer::compare).orElseThrow();
        List<Proposals.Proposal> out = new ArrayList<>();
        out.add(new Proposals.Proposal("fp32", CandidateKind.BASELINE_FP32, QuantPlan.of(Map.of()), 0));
        out.add(new Proposals.Proposal("int8", CandidateKind.BASELINE_INT8, uniform(8, act), 0));
        if (low < 8) {
            out.add(new Proposals.Proposal("int4", CandidateKind.BASELINE_INT4, uniform(low, act), 0));
        }
        int n = 0;
        for (PlanSolution s : solutions) {
            out.add(new Proposals.Proposal("plan-" + (++n), CandidateKind.SOLVER, QuantPlan.of(ProblemBuilder.choices(s.choice(), sensitivity)), s.cost()));
        }
        return Proposals.dedupe(out, model.layers());
    }

    private List<LayerReport> layerReports(CostModel cost, LatencyTable latency, LatencyTable atBatch) {
        List<LayerReport> out = new ArrayList<>();
        for (int i = 0; i < model.layers().size(); i++) {
            Layer l = model.layers().get(i);
            List<LayerReport.OptionReport> options = sensitivity.get(i).options().stream()
                    .map(o -> new LayerReport.OptionReport(o.label(), cost.layerBytes(l, o.choice()), latency.millis(l, o.choice()),
                            atBatch == null ? null : atBatch.millis(l, o.choice()),
                            cost.layerBops(l, o.choice(), request.quantization().activationMode()), o))
                    .toList();
            out.add(new LayerReport(l.name(), l.kind().name(), l.pattern(), l.params(), cost.macs(l), options,
                    l.input() == null ? null : range(l.input()), range(l.groupOutput())));
        }
        return out;
    }

    /** Calibration's view of a tensor, when the calibration pass ran and saw it; a dynamic-only job has none. */
    private TensorRangeReport range(String tensor) {
        CalibrationCollector stats = quantizer.statisticsIfCalibrated();
        return stats == null || !stats.contains(tensor) ? null
                : RangeReports.of(tensor, stats.statistics(tensor), request.quantization().percentile());
    }

    private static long since(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
