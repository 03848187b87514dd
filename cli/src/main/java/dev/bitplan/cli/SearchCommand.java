package dev.bitplan.cli;

import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchReport;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.planner.search.PlanSearch;
import dev.bitplan.planner.search.SearchRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bitplan search}: the whole mixed-precision search in this process; writes report.json and recommended.onnx. */
@Command(name = "search", sortOptions = false,
        description = "Find per-layer bit-widths and fusions under budgets; write DIR/report.json and DIR/recommended.onnx.")
final class SearchCommand implements Callable<Integer> {

    @Mixin
    EngineOptions engine;

    @Option(names = "--out", required = true, description = "directory for report.json and recommended.onnx")
    Path out;

    @Option(names = "--max-size-ratio", description = "size budget as a fraction of the FP32 size")
    Double maxSizeRatio;

    @Option(names = "--max-size-bytes", description = "size budget in bytes")
    Long maxSizeBytes;

    @Option(names = "--max-latency-ms", description = "latency budget (batch 1, estimated from the latency table)")
    Double maxLatencyMs;

    @Option(names = "--max-bops", description = "bit-operations budget")
    Long maxBops;

    @Option(names = "--min-metric", description = "metric floor")
    Double minMetric;

    @Option(names = "--max-drop", description = "largest metric drop from FP32 allowed")
    Double maxDrop;

    @Option(names = "--weight-bits", split = ",", defaultValue = "4,8", description = "weight bits to choose from (default 4,8)")
    List<Integer> weightBits;

    @Option(names = "--activation-bits", split = ",", defaultValue = "8", description = "activation bits to choose from (default 8)")
    List<Integer> activationBits;

    @Option(names = "--allow-float", description = "let layers stay float")
    boolean allowFloat;

    @Option(names = "--fused-only", description = "do not search fusion modes: every layer fully fused")
    boolean fusedOnly;

    @Option(names = "--tie-add-inputs", description = "layers whose outputs meet in an Add take the same option")
    boolean tieAddInputs;

    @Option(names = "--candidates", defaultValue = "8", description = "size budgets in the Pareto sweep (default 8)")
    int candidates;

    @Option(names = "--sensitivity-samples", defaultValue = "256", description = "samples for sensitivity (default 256)")
    int sensitivitySamples;

    @Option(names = "--latency-runs", defaultValue = "30", description = "timed batch-1 runs per latency figure")
    int latencyRuns;

    @Option(names = "--latency-batch", defaultValue = "0", description = "also measure the latency table at this batch size")
    int latencyBatch;

    @Override
    public Integer call() {
        ProgressPrinter progress = new ProgressPrinter(System.err);
        SearchBudgets budgets = new SearchBudgets(maxSizeBytes, maxSizeRatio, maxLatencyMs, maxBops, minMetric, maxDrop);
        SearchRequest request = new SearchRequest(engine.model, engine.data, engine.calibrationData, engine.calibrationSamples,
                sensitivitySamples, engine.metric == null ? null : Metric.parse(engine.metric), engine.quantizationOptions(),
                new SearchSpace(weightBits, activationBits, allowFloat, !fusedOnly, tieAddInputs), budgets, candidates, engine.seed, latencyRuns, latencyBatch);
        PlanSearch search = new PlanSearch(request, engine.runtimeOptions(), progress);
        SearchReport report = search.run();
        write(report, search);
        print(report);
        return 0;
    }

    private void write(SearchReport report, PlanSearch search) {
        try {
            Files.createDirectories(out);
            Files.writeString(out.resolve("report.json"), Json.write(report));
            if (report.recommended() != null) {
                search.exported(report.recommended()).writeTo(out.resolve("recommended.onnx"));
            } else {
                Files.deleteIfExists(out.resolve("recommended.onnx"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + out, e);
        }
    }

    private void print(SearchReport r) {
        System.out.printf(Locale.ROOT, "%s: FP32 %.4f, %,d bytes, %.3f ms%n%n", r.metricName(), r.fp32().metric(), r.fp32().sizeBytes(),
                r.fp32().latencyMs());
        Tables t = new Tables("candidate", "kind", r.metricName(), "deployed", "size (bytes)", "size ratio", "latency ms", "est. ms",
                "front", "budgets");
        for (Candidate c : r.candidates()) {
            t.row(c.id() + (c.id().equals(r.recommended()) ? " *" : ""), c.kind(), String.format(Locale.ROOT, "%.4f", c.metric()),
                    c.deployedMetric() == null ? "" : String.format(Locale.ROOT, "%.4f", c.deployedMetric()), String.format(Locale.ROOT, "%,d", c.sizeBytes()),
                    String.format(Locale.ROOT, "%.3f", (double) c.sizeBytes() / r.fp32().sizeBytes()),
                    String.format(Locale.ROOT, "%.3f", c.latencyMs()), String.format(Locale.ROOT, "%.3f", c.estimatedLatencyMs()),
                    c.onFront() ? "yes" : "", c.withinBudgets() ? "ok" : "missed");
        }
        t.print(System.out);
        System.out.println();
        System.out.println("recommended: " + r.recommendation());
        System.out.println("stages (ms): " + r.stageMillis());
        System.out.println("wrote " + out.resolve("report.json") + (r.recommended() != null ? " and " + out.resolve("recommended.onnx") : ""));
    }
}
