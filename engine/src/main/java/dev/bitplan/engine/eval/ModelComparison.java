package dev.bitplan.engine.eval;

import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import dev.bitplan.engine.metrics.MetricCalculator;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A finished model (BitPlan's export, ONNX Runtime's or Olive's quantization of the same network) held against its
 * reference on the same samples, both run as a deployment runs them: the metric of each (the reference's against the
 * labels, or 1 for the metrics that compare with it), file sizes and batch-1 latencies.
 */
public final class ModelComparison {

    /** One model's figures. */
    public record Side(double metric, long fileBytes, double latencyMs) {
    }

    public record Result(Metric metric, int samples, Side reference, Side model) {
    }

    private ModelComparison() {
    }

    /**
     * @param metric  null for the default of the reference ({@link DefaultMetric})
     */
    public static Result compare(Path reference, Path model, Path data, Metric metric, RuntimeOptions runtime, int latencyRuns,
                                 ProgressListener progress) {
        OnnxModel ref = ModelLoader.load(reference);
        OnnxModel other = ModelLoader.load(model);
        if (!ref.outputs().get(0).getName().equals(other.outputs().get(0).getName())) {
            throw new InvalidInputException(Problem.BAD_REQUEST, "the two models' first outputs differ ('"
                    + ref.outputs().get(0).getName() + "' and '" + other.outputs().get(0).getName()
                    + "'): compare a model with the reference it was made from");
        }
        SampleSet samples = EvaluationSamples.whole(ref, data);
        Metric m = metric != null ? metric : DefaultMetric.of(ref, samples);
        SampleRunner runner = new SampleRunner(samples, ref.outputs().get(0), progress);
        RuntimeOptions deployed = runtime.forDeployment();
        byte[] refBytes = bytes(reference);
        byte[] modelBytes = bytes(model);
        float[] expected = runner.outputs(refBytes, deployed, "reference");
        float[] got = runner.outputs(modelBytes, deployed, "model");
        if (got.length != expected.length) {
            throw new InvalidInputException(Problem.BAD_REQUEST, "the model's output has " + got.length / samples.size()
                    + " values per sample, the reference's " + expected.length / samples.size());
        }
        int width = expected.length / samples.size();
        long[] labels = samples.selectedLabels();
        double refMetric = MetricCalculator.score(m, expected, expected, labels, width, runner.tokenMask());
        double modelMetric = MetricCalculator.score(m, got, expected, labels, width, runner.tokenMask());
        progress.progress("latency", 0, 1);
        double[] latency = runner.latencyMillis(List.of(refBytes, modelBytes), deployed, latencyRuns);
        progress.progress("latency", 1, 1);
        double refLatency = latency[0];
        double modelLatency = latency[1];
        return new Result(m, samples.size(), new Side(refMetric, refBytes.length, refLatency), new Side(modelMetric, modelBytes.length, modelLatency));
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
