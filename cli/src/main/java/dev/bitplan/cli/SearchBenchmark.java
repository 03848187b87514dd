package dev.bitplan.cli;

import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.CandidateKind;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchReport;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.contracts.search.SensitivityDepth;
import dev.bitplan.planner.PlanProblem;
import dev.bitplan.planner.PlanSolution;
import dev.bitplan.planner.PlanSolver;
import dev.bitplan.planner.greedy.GreedySolver;
import dev.bitplan.planner.solver.OptaPlanSolver;
import dev.bitplan.planner.solver.SolverSettings;
import dev.bitplan.search.PlanSearch;
import dev.bitplan.search.SearchRequest;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bitplan bench search}: the time of each stage of a search, and plan quality at fixed size budgets:
 * uniform lowest bits vs the greedy baseline (AIMET's: lower the least sensitive layer until the budget holds)
 * vs the solver, all measured on the validation samples.
 */
@Command(name = "search", description = "Search stage times and solver vs greedy vs uniform at fixed size budgets.")
final class SearchBenchmark implements Callable<Integer> {

    @Mixin
    EngineOptions engine;

    @Option(names = "--budgets", split = ",", defaultValue = "0.25,0.5,0.75",
            description = "size budgets as fractions of the way from the all-4-bit to the all-8-bit size (default 0.25,0.5,0.75)")
    List<Double> fractions;

    @Option(names = "--size-ratio", description = "instead of --budgets: one size budget as a fraction of the float model's file, "
            + "judged on the exported files as a search judges it; uniform 8, uniform 4, greedy and solver compared at it, "
            + "with file sizes and measured latency")
    Double sizeRatio;

    @Option(names = "--sensitivity-samples", defaultValue = "256", description = "samples for sensitivity (default 256)")
    int sensitivitySamples;

    @Option(names = "--sensitivity", defaultValue = "fast", converter = SearchFlags.DepthConverter.class,
            description = "sensitivity depth: fast (local error first, the model only for the most sensitive layers) or full")
    SensitivityDepth sensitivity;

    @Option(names = "--block-choices", split = ",", description = "block sizes offered per layer besides the job's granularity "
            + "(as bitplan search --block-choices)")
    List<Integer> blockChoices;

    @Option(names = "--smooth-choices", description = "SmoothQuant offered per layer (as bitplan search --smooth-choices)")
    boolean smoothChoices;

    @Option(names = "--out", defaultValue = "docs/BENCHMARKS.md", description = "file to record the figures in")
    Path out;

    @Override
    public Integer call() {
        if (sizeRatio != null) {
            return atFileBudget();
        }
        ProgressPrinter progress = new ProgressPrinter(System.err);
        SearchRequest request = request(SearchBudgets.none());
        long t0 = System.nanoTime();
        PlanSearch search = new PlanSearch(request, engine.runtimeOptions(), progress);
        SearchReport report = search.run();
        long totalMs = (System.nanoTime() - t0) / 1_000_000;

        long int4 = byKind(report, CandidateKind.BASELINE_INT4).sizeBytes();
        long int8 = byKind(report, CandidateKind.BASELINE_INT8).sizeBytes();
        double int4Metric = byKind(report, CandidateKind.BASELINE_INT4).metric();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "## Search: %s%s%n%n", engine.model.getFileName(), !engine.quantizationOptions().perChannel() ? " (per-tensor weights)" : ""));
        sb.append(String.format(Locale.ROOT, "`./bitplan bench search %s` on %s, %d cores. %s on %d validation "
                        + "samples; %d sensitivity samples (%s depth); %d calibration samples. FP32 %.4f.%n%n",
                engine.flags(), LocalDate.now(), Runtime.getRuntime().availableProcessors(), report.metricName(),
                report.inputs().validationSamples(), report.inputs().sensitivitySamples(), sensitivity.id(),
                report.inputs().calibrationSamples(), report.fp32().metric()));
        sb.append(String.format(Locale.ROOT, "Whole search: %.1f s. Stages (ms): %s.%n%n", totalMs / 1000.0, report.stageMillis()));
        sb.append("| size budget (bytes) | uniform W4A8 | greedy | solver | solver size |\n|---|---|---|---|---|\n");
        PlanProblem problem = search.problem();
        for (double f : fractions) {
            long budget = int4 + Math.round(f * (int8 - int4));
            PlanProblem atBudget = problem.withBudgets(problem.budgets().withMaxSizeBytes(budget - search.fixedBytes()));
            double greedy = search.evaluate(search.plan(new GreedySolver().solve(atBudget)));
            PlanSolver solver = new OptaPlanSolver(SolverSettings.reproducible(engine.quant.seed));
            PlanSolution s = solver.solve(atBudget);
            QuantPlan plan = search.plan(s);
            double solved = search.evaluate(plan);
            sb.append(String.format(Locale.ROOT, "| %,d (%.0f%% of the way) | %.4f | %.4f | %.4f | %,d |%n", budget, 100 * f, int4Metric,
                    greedy, solved, s.sizeBytes() + search.fixedBytes()));
        }
        System.out.println(sb);
        BenchmarksFile.writeSection(out, "search:" + engine.model.getFileName() + (!engine.quantizationOptions().perChannel() ? ":per-tensor" : ""), sb.toString());
        System.err.println("recorded in " + out);
        return 0;
    }

    /**
     * One search at a file-size budget (a ratio of the float file), then the greedy baseline at the very modelled limit
     * the solver planned against, measured like a candidate: what a user gets from each, file and latency included.
     */
    private int atFileBudget() {
        ProgressPrinter progress = new ProgressPrinter(System.err);
        SearchRequest request = request(new SearchBudgets(null, sizeRatio, null, null, null, null));
        long t0 = System.nanoTime();
        PlanSearch search = new PlanSearch(request, engine.runtimeOptions(), progress);
        SearchReport report = search.run();
        long totalMs = (System.nanoTime() - t0) / 1_000_000;
        Candidate greedy = search.measure("greedy", search.plan(new GreedySolver().solve(search.problem())));
        long limit = (long) Math.floor(sizeRatio * report.fp32().budgetBaseBytes());

        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "## Search: %s at %.0f%% of the FP32 file%s%n%n", engine.model.getFileName(), 100 * sizeRatio, variant(", block-wise weights chosen per layer", ", SmoothQuant chosen per layer")));
        sb.append(String.format(Locale.ROOT, "`./bitplan bench search %s` on %s, %d cores. %s on %d "
                        + "validation samples; %d sensitivity samples (%s depth); %d calibration samples. FP32 file %,d bytes, budget %,d bytes.%n%n",
                engine.flags(), LocalDate.now(), Runtime.getRuntime().availableProcessors(), report.metricName(),
                report.inputs().validationSamples(), report.inputs().sensitivitySamples(), sensitivity.id(),
                report.inputs().calibrationSamples(), report.fp32().budgetBaseBytes(), limit));
        sb.append(String.format(Locale.ROOT, "Whole search: %.1f s. Stages (ms): %s.%n%n", totalMs / 1000.0, report.stageMillis()));
        sb.append("| plan | ").append(report.metricName())
                .append(" | deployed | file (bytes) | of FP32 | within budget | batch-1 ms | vs FP32 |\n|---|---|---|---|---|---|---|---|\n");
        List<Candidate> rows = List.of(byKind(report, CandidateKind.BASELINE_INT8), byKind(report, CandidateKind.BASELINE_INT4), greedy,
                report.candidates().stream().filter(c -> c.id().equals("plan-1")).findFirst().orElseThrow());
        List<String> names = List.of("uniform 8", "uniform 4", "greedy", "solver");
        // the four rows and FP32 timed together, their runs interleaved: the "vs FP32" column compares like with like
        List<Candidate> timed = new ArrayList<>(rows);
        timed.add(byKind(report, CandidateKind.BASELINE_FP32));
        Map<String, Double> ms = search.latenciesTogether(timed);
        double fp32Ms = ms.get(byKind(report, CandidateKind.BASELINE_FP32).id());
        for (int i = 0; i < rows.size(); i++) {
            Candidate c = rows.get(i);
            double rowMs = ms.get(c.id());
            sb.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %,d | %.3f | %s | %.2f | %.2fx |%n", names.get(i), c.metric(),
                    c.deployedMetric(), c.budgetBytes(), (double) c.budgetBytes() / report.fp32().budgetBaseBytes(),
                    c.budgetBytes() <= limit ? "yes" : "no", rowMs, rowMs / fp32Ms));
        }
        sb.append(String.format(Locale.ROOT, "%nFP32 batch-1: %.2f ms. The four rows and FP32 were timed together after the search, "
                + "%d runs each in interleaved blocks (load drift on the machine hits all five alike).%n%s%n", fp32Ms, 30,
                report.notes().stream().filter(n -> n.contains("median error")).findFirst().orElse("")));
        System.out.println(sb);
        BenchmarksFile.writeSection(out, "search:" + engine.model.getFileName() + ":ratio" + variant(":block-choices", ":smooth-choices"), sb.toString());
        System.err.println("recorded in " + out);
        return 0;
    }

    /** What sets this run apart from the default space, in a title's or a section key's words. */
    private String variant(String blocks, String smoothing) {
        return (blockChoices == null ? "" : blocks) + (smoothChoices ? smoothing : "");
    }

    /** The search both tables run: default space, 8 sweep budgets, 30 latency runs, these budgets. */
    private SearchRequest request(SearchBudgets budgets) {
        return new SearchRequest(engine.model, engine.data, engine.calibrationData, engine.quant.calibrationSamples, sensitivitySamples,
                null, engine.quantizationOptions(), space(), budgets, 8, engine.quant.seed, 30, 0, sensitivity);
    }

    private SearchSpace space() {
        SearchSpace d = SearchSpace.defaults();
        return new SearchSpace(d.weightBits(), d.activationBits(), d.allowFloat(), d.fusionChoices(), d.tieAddInputs(), d.activationModes(),
                blockChoices, smoothChoices);
    }

    private static Candidate byKind(SearchReport report, CandidateKind kind) {
        return report.candidates().stream().filter(c -> c.kind() == kind).findFirst().orElseThrow();
    }
}
