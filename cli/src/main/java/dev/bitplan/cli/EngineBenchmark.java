package dev.bitplan.cli;

import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.layers.Layer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bitplan bench engine}: throughput of the simulated quantized model against FP32 in ONNX Runtime on
 * the same data, calibration time, and the time to re-evaluate a plan that changes one layer.
 */
@Command(name = "engine", description = "Engine throughput, calibration and per-layer re-evaluation time.")
final class EngineBenchmark implements Callable<Integer> {

    @Mixin
    EngineOptions engine;

    @Option(names = "--repetitions", defaultValue = "5", description = "timed passes per model, alternating between models (the fastest is kept)")
    int repetitions;

    @Option(names = "--out", defaultValue = "docs/BENCHMARKS.md", description = "file to record the figures in")
    Path out;

    @Override
    public Integer call() {
        ProgressPrinter progress = new ProgressPrinter(System.err);
        PlanEvaluator eval = engine.evaluator(engine.quantizationOptions(), progress);

        eval.calibrate();
        long calibrationMs = eval.calibrationMillis();
        byte[] fp32 = eval.model().foldedBytes();
        byte[] w8 = eval.exportSimulation(QuantPlan.uniform(8, 8)).toByteArray();
        byte[] w4 = eval.exportSimulation(QuantPlan.uniform(4, 8)).toByteArray();
        byte[] deployed8 = eval.export(QuantPlan.uniform(8, 8)).bytes();
        progress.message("[throughput] " + repetitions + " alternating passes per model over " + eval.validationSize() + " samples");
        Map<String, byte[]> models = new LinkedHashMap<>();
        models.put("fp32", fp32);
        models.put("w8", w8);
        models.put("w4", w4);
        models.put("deployed8", deployed8);
        Map<String, Double> rates = eval.samplesPerSecond(models, Set.of("fp32", "w8", "w4"), repetitions);
        double fp32Rate = rates.get("fp32");
        double w8Rate = rates.get("w8");
        double w4Rate = rates.get("w4");
        double deployedRate = rates.get("deployed8");
        // one thread per session: ORT's Q/DQ kernels do not use a second thread, the convolutions do
        Map<String, Double> single = eval.samplesPerSecond(Map.of("fp32", fp32, "w8", w8), Set.of("fp32", "w8"), repetitions, 1);

        List<Double> rewriteMs = new ArrayList<>();
        List<Double> evaluateMs = new ArrayList<>();
        QuantPlan base = QuantPlan.uniform(8, 8);
        eval.evaluate(base); // warm: reference outputs and 8-bit weights
        for (Layer l : eval.model().layers()) {
            QuantPlan plan = base.with(l.name(), LayerChoice.of(4, 8));
            long t0 = System.nanoTime();
            eval.exportSimulation(plan);
            long t1 = System.nanoTime();
            eval.evaluate(plan);
            long t2 = System.nanoTime();
            rewriteMs.add((t1 - t0) / 1e6);
            evaluateMs.add((t2 - t1) / 1e6);
        }
        String report = report(eval, calibrationMs, fp32Rate, w8Rate, w4Rate, deployedRate, rewriteMs, evaluateMs)
                + String.format(Locale.ROOT, "%nOne thread per session: FP32 %.0f samples/s, simulated W8A8 %.0f samples/s (%.2fx).%n",
                        single.get("fp32"), single.get("w8"), single.get("w8") / single.get("fp32"));
        System.out.println(report);
        BenchmarksFile.writeSection(out, "engine:" + engine.model.getFileName(), report);
        System.err.println("recorded in " + out);
        return 0;
    }

    private String report(PlanEvaluator eval, long calibrationMs, double fp32, double w8, double w4, double deployed,
                          List<Double> rewriteMs, List<Double> evaluateMs) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "## Engine: %s%n%n", engine.model.getFileName()));
        sb.append(String.format(Locale.ROOT,
                "`./bitplan bench engine --model %s --data %s%s` on %s, %d cores, ONNX Runtime CPU, %s. "
                        + "%d validation samples, batch 64, fastest of %d alternating passes; %d calibration samples.%n%n",
                engine.model, engine.data, engine.calibrationData == null ? "" : " --calibration-data " + engine.calibrationData,
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"),
                eval.validationSize(), repetitions, eval.calibrationSize()));
        sb.append("| model run | samples/s | vs FP32 |\n|---|---|---|\n");
        row(sb, "FP32", fp32, fp32);
        row(sb, "simulated W8A8 (fake-quant, exact Q/DQ)", w8, fp32);
        row(sb, "simulated W4A8", w4, fp32);
        row(sb, "deployed W8A8 QDQ (ORT integer kernels)", deployed, fp32);
        sb.append(String.format(Locale.ROOT, "%nTarget: simulated throughput >= 0.8x FP32: %s (%.2fx).%n%n",
                w8 / fp32 >= 0.8 ? "met" : "NOT met", w8 / fp32));
        sb.append(String.format(Locale.ROOT, "Calibration (one pass, statistics for every observer): %d ms.%n%n", calibrationMs));
        sb.append(String.format(Locale.ROOT,
                "Re-evaluating a plan that moves one layer of W8A8 to 4 bits (%d layers; quantized weights cached):%n%n"
                        + "| step | median ms | max ms |%n|---|---|---|%n"
                        + "| graph rewrite | %.1f | %.1f |%n| session + run over %d samples | %.1f | %.1f |%n",
                rewriteMs.size(), median(rewriteMs), Collections.max(rewriteMs), eval.validationSize(), median(evaluateMs),
                Collections.max(evaluateMs)));
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, double rate, double fp32) {
        sb.append(String.format(Locale.ROOT, "| %s | %.0f | %.2fx |%n", name, rate, rate / fp32));
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
