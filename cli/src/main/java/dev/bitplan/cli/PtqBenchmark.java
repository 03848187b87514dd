package dev.bitplan.cli;

import dev.bitplan.contracts.plan.CalibrationMethod;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.contracts.plan.Simulation;
import dev.bitplan.engine.eval.PlanEvaluator;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bitplan bench ptq}: the metric of uniform W8A8 and W4A8 plans for every calibration method, per
 * channel and per tensor, as scored (integer kernels), as fake quantization and as deployed: the reference table
 * for accuracy claims.
 */
@Command(name = "ptq", description = "Uniform 8- and 4-bit PTQ for every calibration method: integer, fake-quant and deployed metric.")
final class PtqBenchmark implements Callable<Integer> {

    @Mixin
    EngineOptions engine;

    @Option(names = "--out", defaultValue = "docs/BENCHMARKS.md", description = "file to record the figures in")
    Path out;

    @Override
    public Integer call() {
        ProgressPrinter progress = new ProgressPrinter(System.err);
        QuantizationOptions base = engine.quantizationOptions();
        PlanEvaluator reference = engine.evaluator(base, progress);
        StringBuilder sb = new StringBuilder();
        StringBuilder rows = new StringBuilder();
        for (boolean perChannel : new boolean[] {true, false}) {
            for (CalibrationMethod method : CalibrationMethod.values()) {
                QuantizationOptions options = base.withCalibration(method).withPerChannel(perChannel);
                PlanEvaluator eval = engine.evaluator(options.withSimulation(Simulation.INTEGER), progress);
                PlanEvaluator fake = engine.evaluator(options.withSimulation(Simulation.FAKE_QUANT), progress);
                for (int bits : new int[] {8, 4}) {
                    QuantPlan plan = QuantPlan.uniform(bits, 8);
                    double integer = eval.evaluate(plan);
                    double fakeQuant = fake.evaluate(plan);
                    double deployed = eval.score(eval.export(plan).bytes(), "deployed");
                    rows.append(String.format(Locale.ROOT, "| W%dA8 | %s | %s | %.4f | %.4f | %.4f | %,d |%n", bits,
                            perChannel ? "per-channel" : "per-tensor", method.name().toLowerCase(Locale.ROOT), integer, fakeQuant,
                            deployed, eval.cost().sizeBytes(plan)));
                }
            }
        }
        sb.append(String.format(Locale.ROOT, "## PTQ: %s%n%n", engine.model.getFileName()));
        sb.append(String.format(Locale.ROOT, "`./bitplan bench ptq %s` on %s: %s on %d validation samples, "
                        + "%d calibration samples. FP32: %.4f (%,d bytes). Integer = as plans are scored by default "
                        + "(the QDQ model on ONNX Runtime's integer kernels); fake quant = `--simulation fake-quant`; deployed = the "
                        + "exported QDQ model run in ONNX Runtime with its default settings.%n%n",
                engine.flags(), LocalDate.now(), reference.metric().id(), reference.validationSize(), reference.calibrationSize(),
                reference.fp32Metric(), reference.cost().fp32Bytes()));
        sb.append("| plan | weights | calibration | integer | fake quant | deployed | size (bytes) |\n|---|---|---|---|---|---|---|\n");
        sb.append(rows);
        System.out.println(sb);
        BenchmarksFile.writeSection(out, "ptq:" + engine.model.getFileName(), sb.toString());
        System.err.println("recorded in " + out);
        return 0;
    }
}
