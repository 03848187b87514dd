package dev.bitplan.planner.search;

import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.LayerReport;
import dev.bitplan.contracts.search.LayerSensitivity;
import dev.bitplan.contracts.search.PairSensitivity;
import dev.bitplan.contracts.search.SearchReport;
import dev.bitplan.engine.cost.CostModel;
import dev.bitplan.engine.eval.EvaluationSamples;
import dev.bitplan.engine.eval.EvaluationSamples.SearchSplit;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.eval.Quantizer;
import dev.bitplan.engine.export.ExportedModel;
import dev.bitplan.engine.latency.LatencyTable;
import dev.bitplan.engine.latency.LatencyTableBuilder;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.sensitivity.LayerOptions;
import dev.bitplan.engine.sensitivity.SensitivityAnalyzer;
import dev.bitplan.planner.Budgets;
import dev.bitplan.planner.PlanLayer;
import dev.bitplan.planner.PlanProblem;
import dev.bitplan.planner.PlanSolution;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole search in one process: calibrate, measure sensitivity and the latency table, solve for a
 * sweep of size budgets, evaluate every distinct plan and the baselines on the validation samples, export
 * each as deployed, and pick the recommendation. Stages report progress; the result is a {@link SearchReport}.
 */
public final class PlanSearch {

    private final SearchRequest request;
    private final RuntimeOptions runtime;
    private final ProgressListener progress;
    private final Map<String, Long> stageMillis = new LinkedHashMap<>();
    private final Map<String, ExportedModel> exports = new LinkedHashMap<>();
    private PlanProblem problem;
    private PlanEvaluator validation;
    private List<LayerSensitivity> sensitivity;

    public PlanSearch(SearchRequest request, RuntimeOptions runtime, ProgressListener progress) {
        this.request = request;
        this.runtime = runtime;
        this.progress = progress;
    }

    /** The solver's problem of the last run (layer sizes and latencies, sensitivity costs, the user's budgets). */
    public PlanProblem problem() {
        return problem;
    }

    /** Bytes of the model outside its layers: whole-model size = this + the problem's layer sizes. */
    public long fixedBytes() {
        return validation.cost().remainderBytes();
    }

    /** The simulated metric of any plan on the last run's validation samples. */
    public double evaluate(QuantPlan plan) {
        return validation.evaluate(plan);
    }

    /** A solver's per-layer labels as a plan. */
    public QuantPlan plan(PlanSolution solution) {
        return QuantPlan.of(ProblemBuilder.choices(solution.choice(), sensitivity));
    }

    /** The deployable model of a candidate of the last run, by candidate id. */
    public ExportedModel exported(String candidateId) {
        return exports.get(candidateId);
    }

    public SearchReport run() {
        OnnxModel loaded = ModelLoader.load(request.model());
        PreparedModel model = PreparedModel.of(loaded).requireLayers();
        SearchSplit split = EvaluationSamples.loadForSearch(loaded, request.data(), request.calibrationData(),
                request.calibrationSamples(), request.sensitivitySamples(), request.seed());
        Metric metric = request.metric() != null ? request.metric()
                : split.validation().labels() != null ? Metric.ACCURACY : Metric.AGREEMENT;

        Quantizer quantizer = new Quantizer(model, split.calibration(), request.quantization(), runtime, progress);
        CostModel cost = quantizer.cost();
        Long sizeLimit = request.budgets().sizeLimit(cost.fp32Bytes());
        // refuse an impossible size or BOPs budget before the measuring stages, not after them
        BudgetSweep.checkFeasible(new PlanProblem(ProblemBuilder.sizesOnly(model.layers(), request.space(), cost,
                        request.quantization().activationMode()),
                ProblemBuilder.layerBudgets(sizeLimit, null, request.budgets().maxBops(), cost, null)), cost.remainderBytes(), 0);
        long t = System.nanoTime();
        quantizer.calibrate();
        stageMillis.put("calibration", since(t));

        t = System.nanoTime();
        PlanEvaluator sensitivityEval = new PlanEvaluator(quantizer, split.sensitivity(), metric)
                .onSamples(split.sensitivity(), ProgressListener.NONE);
        SensitivityAnalyzer analyzer = new SensitivityAnalyzer(sensitivityEval, request.space(), progress);
        sensitivity = analyzer.layers(Map.of(), s -> { });
        List<PairSensitivity> pairs = analyzer.pairs(sensitivity);
        stageMillis.put("sensitivity", since(t));

        t = System.nanoTime();
        validation = new PlanEvaluator(quantizer, split.validation(), metric);
        LatencyTable latency = latencyTable(quantizer, split, 1);
        LatencyTable atBatch = request.latencyBatch() > 1 ? latencyTable(quantizer, split, request.latencyBatch()) : null;
        stageMillis.put("latency", since(t));

        t = System.nanoTime();
        List<PlanLayer> planLayers = ProblemBuilder.layers(model.layers(), sensitivity, cost, latency,
                request.quantization().activationMode());
        Budgets budgets = ProblemBuilder.layerBudgets(sizeLimit, request.budgets().maxLatencyMs(), request.budgets().maxBops(),
                cost, latency);
        problem = ProblemBuilder.problem(planLayers, ProblemBuilder.pairs(pairs), ProblemBuilder.ties(model, request.space()), budgets);
        List<PlanSolution> solutions = new BudgetSweep(request.candidates(), request.seed())
                .solve(problem, cost.remainderBytes(), latency.overheadMillis());
        stageMillis.put("solve", since(t));

        t = System.nanoTime();
        CandidateScorer scorer = new CandidateScorer(validation, latency, request, progress);
        List<CandidateScorer.Proposal> proposals = baselinesAndSolutions(model, sensitivity, solutions).stream()
                .map(p -> new CandidateScorer.Proposal(p.id(), p.kind(), p.plan(), ProblemBuilder.objective(p.plan(), sensitivity, pairs)))
                .toList();
        List<Candidate> candidates = scorer.score(proposals, exports);
        stageMillis.put("evaluation", since(t));

        double fp32Metric = validation.fp32Metric();
        double fp32Latency = candidates.get(0).latencyMs(); // the FP32 baseline, measured warm like every candidate
        Recommendation rec = Recommendation.pick(candidates, request.budgets(), fp32Metric, cost.fp32Bytes());
        SearchReport.Inputs inputs = new SearchReport.Inputs(request.model().getFileName().toString(), Digests.sha256(request.model()),
                request.data().getFileName().toString(), Digests.sha256(request.data()), split.calibration().size(),
                split.sensitivity().size(), split.validation().size());
        return new SearchReport(SearchReport.SCHEMA_VERSION, metric.id(), inputs,
                new SearchReport.Settings(request.quantization(), request.space(), request.candidates(), request.seed()),
                new SearchReport.Fp32(fp32Metric, cost.fp32Bytes(), fp32Latency, cost.bops(QuantPlan.of(Map.of()),
                        request.quantization().activationMode())),
                request.budgets(), layerReports(model, sensitivity, cost, latency, atBatch), pairs, rec.candidates(), rec.recommended(),
                rec.reason(), notes(latency, rec.candidates()), stageMillis);
    }

    private LatencyTable latencyTable(Quantizer quantizer, SearchSplit split, int batch) {
        Map<String, List<LayerChoice>> options = new LinkedHashMap<>();
        for (Layer l : quantizer.model().layers()) {
            List<LayerChoice> choices = new ArrayList<>(LayerOptions.of(l, request.space()));
            if (!choices.contains(LayerChoice.FLOAT)) {
                choices.add(LayerChoice.FLOAT); // the FP32 baseline needs it
            }
            options.put(l.name(), choices);
        }
        return new LatencyTableBuilder(quantizer.model(), split.validation().inputs(), request.quantization(),
                quantizer.activations()).runtime(runtime).runs(request.latencyRuns()).batch(batch).progress(progress).build(options);
    }

    /** Baselines first (FP32, all 8-bit, all lowest bits), then the solver's plans, as full per-layer plans. */
    private List<CandidateScorer.Proposal> baselinesAndSolutions(PreparedModel model, List<LayerSensitivity> sensitivity,
                                                                 List<PlanSolution> solutions) {
        int act = request.space().activationBits().get(0);
        int low = request.space().weightBits().stream().min(Integer::compare).orElseThrow();
        List<CandidateScorer.Proposal> out = new ArrayList<>();
        out.add(new CandidateScorer.Proposal("fp32", "baseline-fp32", QuantPlan.of(Map.of()), 0));
        out.add(new CandidateScorer.Proposal("int8", "baseline-int8", QuantPlan.uniform(8, act), 0));
        if (low < 8) {
            out.add(new CandidateScorer.Proposal("int4", "baseline-int4", QuantPlan.uniform(low, act), 0));
        }
        int n = 0;
        for (PlanSolution s : solutions) {
            QuantPlan plan = QuantPlan.of(ProblemBuilder.choices(s.choice(), sensitivity));
            out.add(new CandidateScorer.Proposal("plan-" + (++n), "solver", plan, s.cost()));
        }
        return CandidateScorer.dedupe(out, model.layers());
    }

    private List<LayerReport> layerReports(PreparedModel model, List<LayerSensitivity> sensitivity, CostModel cost,
                                           LatencyTable latency, LatencyTable atBatch) {
        List<LayerReport> out = new ArrayList<>();
        for (int i = 0; i < model.layers().size(); i++) {
            Layer l = model.layers().get(i);
            List<LayerReport.OptionReport> options = sensitivity.get(i).options().stream()
                    .map(o -> new LayerReport.OptionReport(o.label(), cost.layerBytes(l, o.choice()), latency.millis(l, o.choice()),
                            atBatch == null ? null : atBatch.millis(l, o.choice()), cost.layerBops(l, o.choice(), request.quantization().activationMode()), o))
                    .toList();
            out.add(new LayerReport(l.name(), l.kind().name(), l.pattern(), l.params(), cost.macs(l), options));
        }
        return out;
    }

    private static List<String> notes(LatencyTable latency, List<Candidate> candidates) {
        double[] errors = candidates.stream().filter(c -> c.latencyMs() != null && c.latencyMs() > 0)
                .mapToDouble(c -> (c.estimatedLatencyMs() - c.latencyMs()) / c.latencyMs()).sorted().toArray();
        double median = errors.length == 0 ? Double.NaN : errors[errors.length / 2];
        return List.of(String.format(java.util.Locale.ROOT,
                "latency estimate = %.3f ms for non-layer ops (measured FP32 minus its layers) + the layers' table entries; "
                        + "median error against the measured deployed latency over %d candidates: %+.0f%% (each single-layer "
                        + "table entry pays its own input Q/DQ, which chained quantized layers share)",
                latency.overheadMillis(), errors.length, 100 * median));
    }

    private static long since(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
