package dev.bitplan.cli;

import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.eval.PlanEvaluator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
 * {@code bitplan bench encoder}: a transformer encoder quantized uniformly with each activation handling, and another
 * tool's quantization of the same model (ONNX Runtime's dynamic int8, say), on the same sentences: metric as scored
 * and as deployed, exported bytes, and batch-1 latency, every model timed in one interleaved run so that the ratios
 * compare.
 */
@Command(name = "encoder", description = "A transformer encoder at uniform 8 bits per activation mode, against FP32 and another tool's model.")
final class EncoderBenchmark implements Callable<Integer> {

    @Mixin
    EngineOptions engine;

    @Option(names = "--other", description = "another tool's quantization of --model to hold against (e.g. ONNX Runtime's dynamic int8)")
    Path other;

    @Option(names = "--latency-runs", defaultValue = "100", description = "timed batch-1 runs per model, interleaved")
    int latencyRuns;

    @Option(names = "--out", defaultValue = "docs/BENCHMARKS.md", description = "file to record the figures in")
    Path out;

    private record Row(String name, double metric, Double deployed, long bytes, byte[] model) {
    }

    @Override
    public Integer call() {
        ProgressPrinter progress = new ProgressPrinter(System.err);
        QuantizationOptions base = engine.quantizationOptions();
        PlanEvaluator first = null;
        List<Row> rows = new ArrayList<>();
        for (ActivationMode mode : ActivationMode.values()) {
            PlanEvaluator eval = engine.evaluator(base.withActivationMode(mode), progress);
            if (first == null) {
                first = eval;
                rows.add(new Row("FP32", eval.fp32Metric(), null, size(engine.model), eval.floatModel().foldedBytes()));
            }
            rows.add(row("BitPlan W8, activations " + mode.name().toLowerCase(Locale.ROOT).replace('_', '-')
                    + (mode == ActivationMode.AUTO ? " (default)" : ""), eval.scoreAndExport(QuantPlan.uniform(8, 8), "deployed " + mode)));
        }
        // the 4-bit forms: block-wise weights (MatMulNBits) and embeddings (GatherBlockQuantized), the smallest files
        for (int blockSize : QuantizationOptions.BLOCK_SIZES) {
            PlanEvaluator eval = engine.evaluator(base.withWeightBlockSize(blockSize), progress);
            rows.add(row("BitPlan W4, block-" + blockSize + " (MatMulNBits, GatherBlockQuantized)",
                    eval.scoreAndExport(QuantPlan.uniform(4, 8), "deployed W4 block-" + blockSize)));
        }
        if (other != null) {
            byte[] bytes = read(other);
            rows.add(new Row(other.getFileName().toString(), first.score(bytes, "other model"), null, bytes.length, bytes));
        }
        progress.message("[latency] " + latencyRuns + " interleaved batch-1 runs of " + rows.size() + " models");
        double[] ms = first.latencyMillis(rows.stream().map(Row::model).toList(), latencyRuns);

        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "## Encoder: %s%n%n", engine.model.getFileName()));
        sb.append(String.format(Locale.ROOT, "`./bitplan bench encoder %s` on %s, %d cores, ONNX Runtime CPU, %s. %s on %d validation "
                        + "sentences; batch-1 latency on a sentence of median length, median of %d runs interleaved between the models. "
                        + "Deployed = the exported file run with ONNX Runtime's default session options.%n%n",
                engine.flags(), LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"), first.metric().id(), first.validationSize(), latencyRuns));
        sb.append("| model | ").append(first.metric().id()).append(" | deployed | file (bytes) | batch-1 ms | vs FP32 |\n|---|---|---|---|---|---|\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            sb.append(String.format(Locale.ROOT, "| %s | %.4f | %s | %,d | %.2f | %.2fx |%n", r.name(), r.metric(),
                    r.deployed() == null ? "" : String.format(Locale.ROOT, "%.4f", r.deployed()), r.bytes(), ms[i], ms[i] / ms[0]));
        }
        Row auto = rows.get(1);
        boolean met = auto.metric() >= 0.995 && ms[1] <= 0.5 * ms[0];
        sb.append(String.format(Locale.ROOT, "%nTarget: the default W8 at %s >= 0.995 and batch-1 latency <= 0.5x FP32, in the same run: %s "
                + "(%.4f, %.2fx).%n", first.metric().id(), met ? "met" : "not met", auto.metric(), ms[1] / ms[0]));
        System.out.println(sb);
        BenchmarksFile.writeSection(out, "encoder:" + engine.model.getFileName(), sb.toString());
        System.err.println("recorded in " + out);
        return 0;
    }

    private static Row row(String name, PlanEvaluator.ScoredExport s) {
        return new Row(name, s.metric(), s.deployedMetric(), s.exported().sizeBytes(), s.exported().bytes());
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
