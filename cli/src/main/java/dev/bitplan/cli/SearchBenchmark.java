package dev.bitplan.cli;

import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.search.CandidateKind;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchReport;
import dev.bitplan.contracts.search.SearchSpace;
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
import java.util.List;
import java.util.Locale;
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

    @Option(names = "--out", defaultValue = "docs/BENCHMARKS.md", description = "file to record the figures in")
    Path out;

    @Override
    public Integer call() {
        ProgressPrinter progress = new ProgressPrinter(System.err);
        SearchRequest request = new SearchRequest(engine.model, engine.data, engine.calibrationData, engine.quant.calibrationSamples, 256,
                null, engine.quantizationOptions(), SearchSpace.defaults(), SearchBudgets.none(), 8, engine.quant.seed, 30, 0);
        long t0 = System.nanoTime();
        PlanSearch search = new PlanSearch(request, engine.runtimeOptions(), progress);
        SearchReport report = search.run();
        long totalMs = (System.nanoTime() - t0) / 1_000_000;

        long int4 = report.candidates().stream().filter(c -> c.kind() == CandidateKind.BASELINE_INT4).findFirst().orElseThrow().sizeBytes();
        long int8 = report.candidates().stream().filter(c -> c.kind() == CandidateKind.BASELINE_INT8).findFirst().orElseThrow().sizeBytes();
        double int4Metric = report.candidates().stream().filter(c -> c.kind() == CandidateKind.BASELINE_INT4).findFirst().orElseThrow().metric();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "## Search: %s%s%n%n", engine.model.getFileName(), !engine.quantizationOptions().perChannel() ? " (per-tensor weights)" : ""));
        sb.append(String.format(Locale.ROOT, "`./bitplan bench search %s` on %s, %d cores. %s on %d validation "
                        + "samples; 256 sensitivity samples; %d calibration samples. FP32 %.4f.%n%n",
                engine.flags(), LocalDate.now(), Runtime.getRuntime().availableProcessors(), report.metricName(),
                report.inputs().validationSamples(), report.inputs().calibrationSamples(), report.fp32().metric()));
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
}
