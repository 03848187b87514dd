package dev.bitplan.cli;

import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.job.Method;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.search.SearchReport;
import dev.bitplan.qat.QatCandidateTuner;
import dev.bitplan.search.PlanSearch;
import dev.bitplan.search.SearchRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Mixin
    SearchFlags search;

    @Mixin
    QatFlags qat;

    @Override
    public Integer call() {
        ProgressPrinter progress = new ProgressPrinter(System.err);
        JobSpec spec = spec();
        SearchRequest request = SearchRequest.from(spec, engine.model, engine.data, engine.calibrationData);
        // with --method qat the solver still plans with PTQ sensitivity; the PTQ front's candidates are then fine-tuned
        QatCandidateTuner tuner = spec.method() == Method.QAT
                ? new QatCandidateTuner(qat.trainData, QatCandidateTuner.budget(spec.qatSteps(), spec.qatEpochs())
                        .withLearnRanges(spec.learnsRanges())) : null;
        PlanSearch planSearch = new PlanSearch(request, engine.runtimeOptions(), progress, tuner);
        SearchReport report;
        try {
            report = planSearch.run();
        } finally {
            if (tuner != null) {
                tuner.close(); // deletes the training file's spill
            }
        }
        write(report, planSearch);
        ReportTable.print(report, System.out);
        System.out.println("wrote " + out.resolve("report.json") + (report.recommended() != null ? " and " + out.resolve("recommended.onnx") : ""));
        return 0;
    }

    /** The job these flags describe; {@code submit} builds its job from the same flags the same way. */
    JobSpec spec() {
        JobSpec spec = search.spec(engine.quant, Method.PTQ);
        return qat.qat() ? spec.withQat(null, qat.qatSteps, qat.qatEpochs).withQatLearnRanges(qat.learnRanges) : spec;
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
}
