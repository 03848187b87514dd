package dev.bitplan.cli;

import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.report.EvaluationSummary;
import dev.bitplan.contracts.report.ModelFigures;
import dev.bitplan.contracts.report.QatFigures;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.qdq.ExportedModel;
import dev.bitplan.engine.qdq.WeightDataType;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bitplan evaluate}: one plan (uniform or from a file) against FP32: metric, size and latency of both. */
@Command(name = "evaluate", sortOptions = false,
        description = "Quantize a model with one plan and compare it with FP32: metric, size, latency.")
final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    EngineOptions engine;

    static final class PlanChoice {
        @Option(names = "--uniform", description = "every layer at these weight bits: 8 or 4 (default 8)")
        Integer uniform;

        @Option(names = "--plan", description = "per-layer plan JSON (see README)")
        Path plan;
    }

    @ArgGroup(exclusive = true)
    PlanChoice planChoice = new PlanChoice();

    @Option(names = "--activation-bits", defaultValue = "8", description = "activation bits of a --uniform plan: 8 or 4 (default 8)")
    int activationBits;

    @Option(names = "--export", description = "write the deployable QDQ model here")
    Path export;

    @Option(names = "--weight-storage", defaultValue = "auto",
            description = "8-bit weights in the export: auto, int8 or uint8 (shifted by 128; exact on x86 without VNNI)")
    String weightStorage;

    @Option(names = "--latency-runs", defaultValue = "50", description = "timed batch-1 runs per model (median reported)")
    int latencyRuns;

    @Option(names = "--json", description = "print one JSON object instead of a table")
    boolean json;

    @Mixin
    QatFlags qatFlags;

    @Override
    public Integer call() {
        boolean qatRun = qatFlags.qat();
        ProgressPrinter progress = new ProgressPrinter(System.err);
        QuantPlan plan = planChoice.plan != null ? Json.read(planChoice.plan, QuantPlan.class)
                : QuantPlan.uniform(planChoice.uniform == null ? 8 : planChoice.uniform, activationBits);
        PlanEvaluator eval = engine.evaluator(engine.quantizationOptions(), progress);
        Metric metric = eval.metric();

        double fp32 = eval.fp32Metric();
        double quantized;
        ExportedModel exported;
        double deployed;
        QatFigures qat = null;
        if (qatRun) {
            QatRun run = QatRun.of(eval, engine.calibrationSamples(), engine.streamedFile(qatFlags.trainData), plan, qatFlags.qatEpochs,
                    qatFlags.qatSteps, qatFlags.learnRanges, progress);
            qat = run.figures();
            quantized = qat.qatMetric();
            exported = run.exported();
            deployed = qat.deployedMetric();
        } else {
            PlanEvaluator.ScoredExport scored = eval.scoreAndExport(plan, WeightDataType.parse(weightStorage), "deployed model");
            quantized = scored.metric();
            exported = scored.exported();
            deployed = scored.deployedMetric();
        }
        progress.message("[latency] " + latencyRuns + " batch-1 runs per model");
        double[] latency = eval.latencyMillis(java.util.List.of(eval.floatModel().foldedBytes(), exported.bytes()), latencyRuns);
        double fp32Latency = latency[0];
        double quantLatency = latency[1];
        if (export != null) {
            exported.writeTo(export);
        }
        var cost = eval.cost();
        var mode = engine.quantizationOptions().activationMode();
        EvaluationSummary summary = new EvaluationSummary(EvaluationSummary.SCHEMA_VERSION, metric.id(), eval.validationSize(),
                eval.calibrationSize(),
                new ModelFigures(fp32, cost.fp32Bytes(), fp32Latency, null, null, cost.bops(QuantPlan.of(java.util.Map.of()), mode)),
                new ModelFigures(quantized, cost.sizeBytes(plan), quantLatency, exported.sizeBytes(), deployed, cost.bops(plan, mode)),
                plan, exported.notes(), qat);
        if (json) {
            System.out.println(Json.write(summary));
        } else {
            print(summary);
        }
        return 0;
    }

    private void print(EvaluationSummary s) {
        System.out.printf("%s on %d validation samples (calibration: %d samples)%n%n", s.metricName(), s.validationSamples(),
                s.calibrationSamples());
        Tables t = new Tables("", s.metricName(), "size (bytes)", "latency (ms)", "exported (bytes)", "deployed " + s.metricName());
        t.row("fp32", fmt(s.fp32().metric()), String.format("%,d", s.fp32().sizeBytes()), String.format("%.3f", s.fp32().latencyMs()),
                "", "");
        t.row("quantized", fmt(s.quantized().metric()), String.format("%,d", s.quantized().sizeBytes()),
                String.format("%.3f", s.quantized().latencyMs()), String.format("%,d", s.quantized().exportedBytes()),
                fmt(s.quantized().deployedMetric()));
        t.print(System.out);
        System.out.printf("%nsize ratio %.3f, metric change %+.4f%n", (double) s.quantized().sizeBytes() / s.fp32().sizeBytes(),
                s.quantized().metric() - s.fp32().metric());
        if (s.qat() != null) {
            QatFigures q = s.qat();
            System.out.printf("QAT: PTQ %s -> QAT %s (deployed %s) after %d steps, %.1f s (%.0f samples/s); loss %.4g -> %.4g%n",
                    fmt(q.ptqMetric()), fmt(q.qatMetric()), fmt(q.deployedMetric()), q.steps(), q.seconds(), q.samplesPerSecond(),
                    q.firstLoss(), q.lastLoss());
            System.out.printf("QAT training data: %,d bytes spilled to disk, %,d held in memory, largest batch %,d bytes%n",
                    q.trainDataBytesOnDisk(), q.trainDataBytes(), q.peakBatchBytes());
            if (q.rangesLearned() > 0) {
                System.out.printf("QAT learned the scales of %d activations (LSQ); the tuned model is scored and exported with them%n",
                        q.rangesLearned());
            }
        }
        if (export != null) {
            System.out.println("exported " + export);
        }
        for (String n : s.notes()) {
            System.out.println("note: " + n);
        }
    }

    private static String fmt(double v) {
        return String.format("%.4f", v);
    }
}
