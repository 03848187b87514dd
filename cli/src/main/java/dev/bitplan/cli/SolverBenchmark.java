package dev.bitplan.cli;

import dev.bitplan.planner.Budgets;
import dev.bitplan.planner.PlanLayer;
import dev.bitplan.planner.PlanOption;
import dev.bitplan.planner.PlanProblem;
import dev.bitplan.planner.PlanSolution;
import dev.bitplan.planner.exact.ExactSolver;
import dev.bitplan.planner.solver.OptaPlanSolver;
import dev.bitplan.planner.solver.SolverSettings;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bitplan bench solver}: OptaPlanner's time and optimality gap against the exact oracle on seeded
 * random instances shaped like real models (per layer: 8-bit, 4-bit, and sometimes float; sizes from
 * a log-uniform parameter count; 4-bit costing 5-50x the 8-bit sensitivity), size budget halfway.
 */
@Command(name = "solver", description = "OptaPlanner vs the exact oracle on random instances: time and gap.")
final class SolverBenchmark implements Callable<Integer> {

    @Option(names = "--layers", split = ",", defaultValue = "20,50,100,200,300", description = "instance sizes")
    List<Integer> sizes;

    @Option(names = "--seed", defaultValue = "1", description = "instance seed")
    long seed;

    @Option(names = "--out", defaultValue = "docs/BENCHMARKS.md", description = "file to record the figures in")
    Path out;

    @Override
    public Integer call() {
        StringBuilder sb = new StringBuilder();
        sb.append("## Solver: OptaPlanner vs exact oracle\n\n");
        sb.append(String.format(Locale.ROOT, "`./bitplan bench solver --seed %d` on %s, %d cores. Random instances, size budget halfway "
                + "between the all-smallest and all-largest plan; gap = (OptaPlanner - oracle) / oracle objective.%n%n",
                seed, LocalDate.now(), Runtime.getRuntime().availableProcessors()));
        sb.append("| layers | oracle ms | OptaPlanner ms | gap |\n|---|---|---|---|\n");
        for (int n : sizes) {
            PlanProblem p = instance(n, new Random(seed + n));
            PlanSolution exact = new ExactSolver().solve(p);
            PlanSolution opta = new OptaPlanSolver(SolverSettings.defaults().withRandomSeed(seed)).solve(p);
            double gap = (opta.cost() - exact.cost()) / exact.cost();
            sb.append(String.format(Locale.ROOT, "| %d | %d | %d | %.3f%% |%n", n, exact.millis(), opta.millis(), 100 * gap));
        }
        sb.append("\nTargets: 200 layers solved in under 2 s within 0.5% of the oracle.\n");
        System.out.println(sb);
        BenchmarksFile.writeSection(out, "solver", sb.toString());
        return 0;
    }

    static PlanProblem instance(int layers, Random r) {
        List<PlanLayer> out = new ArrayList<>();
        long min = 0;
        long max = 0;
        for (int i = 0; i < layers; i++) {
            long params = (long) Math.exp(Math.log(1_000) + r.nextDouble() * Math.log(1_000));
            double c8 = 1e-5 + r.nextDouble() * 1e-4;
            double c4 = c8 * (5 + 45 * r.nextDouble());
            List<PlanOption> options = new ArrayList<>();
            options.add(new PlanOption("w8a8", params + 4 * 64, 0.01, params * 64, c8));
            options.add(new PlanOption("w4a8", (params + 1) / 2 + 4 * 64, 0.008, params * 32, c4));
            if (r.nextDouble() < 0.3) {
                options.add(new PlanOption("float", 4 * params, 0.012, params * 1024, 0));
            }
            out.add(new PlanLayer("layer" + i, options));
            min += options.stream().mapToLong(PlanOption::sizeBytes).min().orElseThrow();
            max += options.stream().mapToLong(PlanOption::sizeBytes).max().orElseThrow();
        }
        return new PlanProblem(out, Budgets.size(min + (max - min) / 2));
    }
}
