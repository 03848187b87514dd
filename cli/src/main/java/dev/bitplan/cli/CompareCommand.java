package dev.bitplan.cli;

import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.engine.eval.ModelComparison;
import dev.bitplan.engine.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bitplan compare}: any finished model against its reference, so BitPlan's result can be held against another tool's. */
@Command(name = "compare", sortOptions = false,
        description = "Compare a finished model (e.g. another tool's quantization) with its FP32 reference: metric, size, batch-1 latency.")
final class CompareCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "the model to judge (ONNX)")
    Path model;

    @Option(names = "--reference", required = true, description = "the FP32 model it was made from (ONNX)")
    Path reference;

    @Option(names = "--data", required = true, description = "NPZ with the model's inputs (and labels for accuracy); every sample is used")
    Path data;

    @Option(names = "--metric", description = "accuracy, agreement, cosine, sentence-cosine, token-cosine or sqnr (default as for evaluate)")
    String metric;

    @Option(names = "--latency-runs", defaultValue = "50", description = "timed batch-1 runs per model (median reported)")
    int latencyRuns;

    @Option(names = "--threads", description = "ONNX Runtime threads (default: all cores)")
    Integer threads;

    @Option(names = "--json", description = "print one JSON object instead of a table")
    boolean json;

    @Override
    public Integer call() {
        RuntimeOptions runtime = threads == null ? RuntimeOptions.defaults() : RuntimeOptions.defaults().withThreads(threads);
        ModelComparison.Result r = ModelComparison.compare(reference, model, data, metric == null ? null : Metric.parse(metric), runtime,
                latencyRuns, new ProgressPrinter(System.err));
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("metricName", r.metric().id());
            out.put("samples", r.samples());
            out.put("reference", r.reference());
            out.put("model", r.model());
            System.out.println(Json.write(out));
            return 0;
        }
        System.out.printf("%s on %d samples, both models run with ONNX Runtime's default session options%n%n", r.metric().id(), r.samples());
        Tables t = new Tables("", r.metric().id(), "file (bytes)", "batch-1 latency (ms)");
        t.row("reference", String.format("%.4f", r.reference().metric()), String.format("%,d", r.reference().fileBytes()),
                String.format("%.3f", r.reference().latencyMs()));
        t.row("model", String.format("%.4f", r.model().metric()), String.format("%,d", r.model().fileBytes()),
                String.format("%.3f", r.model().latencyMs()));
        t.print(System.out);
        System.out.printf("%nsize ratio %.3f, latency ratio %.2f, metric change %+.4f%n", (double) r.model().fileBytes() / r.reference().fileBytes(),
                r.model().latencyMs() / r.reference().latencyMs(), r.model().metric() - r.reference().metric());
        return 0;
    }
}
