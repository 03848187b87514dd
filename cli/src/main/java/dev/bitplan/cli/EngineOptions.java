package dev.bitplan.cli;

import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.engine.data.StreamedDataset;
import dev.bitplan.engine.eval.DefaultMetric;
import dev.bitplan.engine.eval.EvaluationSamples;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options shared by the commands that quantize: model, data, calibration and quantization settings. */
final class EngineOptions {

    @Option(names = "--model", required = true, description = "ONNX model file")
    Path model;

    @Option(names = "--data", required = true, description = "NPZ dataset (one array per model input, optional 'labels')")
    Path data;

    @Option(names = "--calibration-data", description = "separate NPZ for calibration; default: drawn from --data, disjoint from validation")
    Path calibrationData;

    /** Calibration, metric, quantization and seed flags, shared with {@code submit}. */
    @Mixin
    QuantizationFlags quant;

    /** The command this is mixed into, for the options as typed. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--threads", description = "ONNX Runtime threads (default: all cores)")
    Integer threads;

    private OnnxModel loaded;
    private PreparedModel prepared;
    private EvaluationSamples samples;

    /** The model and samples are read once per command; each call builds an evaluator with its own options. */
    PlanEvaluator evaluator(QuantizationOptions options, ProgressListener progress) {
        if (prepared == null) {
            loaded = ModelLoader.load(model);
            samples = EvaluationSamples.load(loaded, data, calibrationData, quant.calibrationSamples, quant.seed);
            prepared = PreparedModel.of(loaded);
        }
        return new PlanEvaluator(prepared, samples.calibration(), samples.validation(), options, metric(samples),
                runtimeOptions(), progress);
    }

    /** The calibration samples of the evaluators built so far (call {@link #evaluator} first). */
    SampleSet calibrationSamples() {
        return samples.calibration();
    }

    /** Every sample of another NPZ file for this model, left on disk (call {@link #evaluator} first), e.g. training data. */
    StreamedDataset streamedFile(Path file) {
        return EvaluationSamples.streamed(loaded, file);
    }

    /** The options of this run as typed, in order, but {@code --out}: what a benchmark header needs to reproduce it. */
    String flags() {
        List<String> words = new ArrayList<>();
        for (OptionSpec o : command.commandLine().getParseResult().matchedOptions()) {
            if (!o.longestName().equals("--out")) {
                words.add(o.longestName());
                if (o.arity().max() > 0) { // a flag such as --per-tensor takes no value
                    words.addAll(o.originalStringValues());
                }
            }
        }
        return String.join(" ", words);
    }

    Metric metric(EvaluationSamples samples) {
        if (quant.metric != null) {
            return Metric.parse(quant.metric);
        }
        return DefaultMetric.of(prepared.folded(), samples.validation());
    }

    QuantizationOptions quantizationOptions() {
        return quant.quantizationOptions();
    }

    RuntimeOptions runtimeOptions() {
        RuntimeOptions d = RuntimeOptions.defaults();
        return threads == null ? d : d.withThreads(threads);
    }
}
