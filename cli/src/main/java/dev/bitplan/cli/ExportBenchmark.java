package dev.bitplan.cli;

import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.engine.eval.PlanEvaluator;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bitplan bench export}: what a user gets in the file: FP32 and the uniform 8- and 4-bit plans exported with the
 * default options, their modelled and file sizes, metric as scored and as deployed, and batch-1 latency timed in one
 * interleaved run. Shows whether 4 bits halve the file, and what they cost at run time where the runtime has no 4-bit
 * kernel.
 */
@Command(name = "export", description = "FP32, uniform 8-bit and uniform 4-bit exports: modelled and file sizes, metric, batch-1 latency.")
final class ExportBenchmark implements Callable<Integer> {

    @Mixin
    EngineOptions engine;

    @Option(names = "--latency-runs", defaultValue = "200", description = "timed batch-1 runs per model, interleaved")
    int latencyRuns;

    @Option(names = "--out", defaultValue = "docs/BENCHMARKS.md", description = "file to record the figures in")
    Path out;

    private record Row(String name, double metric, double deployed, long modelled, long file, byte[] model) {
    }

    @Override
    public Integer call() {
        ProgressPrinter progress = new ProgressPrinter(System.err);
        PlanEvaluator eval = engine.evaluator(engine.quantizationOptions(), progress);
        byte[] fp32 = eval.floatModel().foldedBytes();
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("FP32", eval.fp32Metric(), eval.fp32Metric(), eval.cost().fp32Bytes(), fp32.length, fp32));
        for (int bits : new int[] {8, 4}) {
            QuantPlan plan = QuantPlan.uniform(bits, 8);
            PlanEvaluator.ScoredExport s = eval.scoreAndExport(plan, "deployed W" + bits);
            rows.add(new Row("W" + bits + "A8", s.metric(), s.deployedMetric(), eval.cost().sizeBytes(plan), s.exported().sizeBytes(),
                    s.exported().bytes()));
        }
        progress.message("[latency] " + latencyRuns + " interleaved batch-1 runs of " + rows.size() + " models");
        double[] ms = eval.latencyMillis(rows.stream().map(Row::model).toList(), latencyRuns);

        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "## Exported files: %s%n%n", engine.model.getFileName()));
        sb.append(String.format(Locale.ROOT, "`./bitplan bench export %s` on %s, %d cores, ONNX Runtime CPU, %s. %s on %d validation samples; "
                        + "batch-1 latency as deployed, median of %d runs interleaved between the models.%n%n",
                engine.flags(), LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"),
                eval.metric().id(), eval.validationSize(), latencyRuns));
        sb.append("| model | ").append(eval.metric().id())
                .append(" | deployed | modelled (bytes) | file (bytes) | file vs W8 | batch-1 ms | vs FP32 |\n|---|---|---|---|---|---|---|---|\n");
        long w8File = rows.get(1).file();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            sb.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %,d | %,d | %.3f | %.3f | %.2fx |%n", r.name(), r.metric(), r.deployed(),
                    r.modelled(), r.file(), (double) r.file() / w8File, ms[i], ms[i] / ms[0]));
        }
        System.out.println(sb);
        BenchmarksFile.writeSection(out, "export:" + engine.model.getFileName(), sb.toString());
        System.err.println("recorded in " + out);
        return 0;
    }
}
