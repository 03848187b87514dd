package dev.bitplan.engine.eval;

import dev.bitplan.engine.calib.CalibrationCollector;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.onnx.GraphOutputs;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.runtime.BatchRunner;
import dev.bitplan.engine.runtime.OrtModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One pass over the calibration samples that collects statistics of every tensor a plan may quantize
 * (each layer's input and each possible group output), enough for any observer at any bit width. Token models run
 * trimmed to each sample's real length ({@link SequenceBuckets}): padding never enters a statistic.
 */
public final class CalibrationRun {

    private static final int BATCH = 64;

    private CalibrationRun() {
    }

    public static CalibrationCollector collect(PreparedModel model, SampleSet calibration, RuntimeOptions runtime,
                                               ProgressListener progress) {
        Set<String> graphInputs = new LinkedHashSet<>();
        model.folded().realInputs().forEach(v -> graphInputs.add(v.getName()));
        Set<String> tensors = new LinkedHashSet<>();
        for (Layer l : model.layers()) {
            if (!l.kind().quantizesActivations()) {
                continue;
            }
            tensors.add(l.input());
            tensors.add(l.rawOutput());
            tensors.add(l.biasedOutput());
            tensors.add(l.normalizedOutput());
            tensors.add(l.groupOutput());
        }
        Set<String> fetched = new LinkedHashSet<>(tensors);
        fetched.removeAll(graphInputs);
        CalibrationCollector collector = new CalibrationCollector();
        forEachBatch(model.folded(), calibration, fetched, runtime, progress, "calibration",
                (inputs, indices) -> collectInputs(collector, graphInputs, tensors, inputs, indices), collector::accept);
        return collector;
    }

    /** Receives the model inputs of one group of samples (all of them, or one length group of a token model). */
    @FunctionalInterface
    interface SampleInputs {
        void accept(Map<String, NdArray> inputs, int[] indices);
    }

    /**
     * Runs {@code model} over the calibration samples and hands each batch's value of every tensor in {@code fetched}
     * (none of them a graph input) to {@code values}. Token models run trimmed to each sample's real length, so that
     * no statistic sees padding; {@code inputs} receives the (trimmed) inputs, since ONNX Runtime cannot fetch them.
     */
    static void forEachBatch(OnnxModel model, SampleSet calibration, Set<String> fetched, RuntimeOptions runtime,
                             ProgressListener progress, String stage, SampleInputs inputs, BiConsumer<String, float[]> values) {
        Optional<SequenceBuckets> sequences = SequenceBuckets.of(calibration);
        byte[] augmented = GraphOutputs.withOutputs(model, fetched).toByteArray();
        try (OrtModel ort = OrtModel.load(augmented, runtime)) {
            int total = calibration.size();
            if (sequences.isEmpty()) {
                inputs.accept(calibration.inputs(), calibration.indices());
                BatchRunner.run(ort, calibration.inputs(), calibration.indices(), BATCH, fetched, (offset, count, outputs) -> {
                    outputs.forEach((name, value) -> values.accept(name, value.data()));
                    progress.progress(stage, offset + count, total);
                });
                return;
            }
            // token models: each length group trimmed to its real tokens, so no statistic ever sees padding
            int[] done = {0};
            for (SequenceBuckets.Bucket b : sequences.get().buckets()) {
                int[] all = BatchRunner.range(b.size());
                inputs.accept(b.inputs(), all);
                BatchRunner.run(ort, b.inputs(), all, BATCH, fetched, (offset, count, outputs) -> {
                    outputs.forEach((name, value) -> values.accept(name, value.data()));
                    done[0] += count;
                    progress.progress(stage, done[0], total);
                });
            }
        }
    }

    /** Graph inputs are read from the data itself: ONNX Runtime cannot echo an input as an output. */
    private static void collectInputs(CalibrationCollector collector, Set<String> graphInputs, Set<String> tensors,
                                      Map<String, NdArray> inputs, int[] indices) {
        for (String in : graphInputs) {
            if (tensors.contains(in)) {
                collector.accept(in, inputs.get(in).selectSamples(indices).toFloatArray());
            }
        }
    }
}
