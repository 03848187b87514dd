package dev.bitplan.engine.eval;

import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.metrics.TokenMask;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.runtime.BatchRunner;
import dev.bitplan.engine.runtime.LatencyMeter;
import dev.bitplan.engine.runtime.OrtModel;
import dev.bitplan.engine.runtime.ParallelRunner;
import dev.bitplan.engine.runtime.RuntimeOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs whole models over one sample set and returns their first output, samples x width in selection order; token
 * models run trimmed to each sample's real length ({@link SequenceBuckets}) and their token outputs are padded back
 * with zeros. Every model scored on the same samples (FP32 reference, plans, exports, a user's own model) goes
 * through one runner, so they are run alike.
 */
public final class SampleRunner {

    private static final int BATCH = 64;
    /** Sample counts this small run in one session (e.g. a transformer's sensitivity samples). */
    static final int FEW_SAMPLES = 32;

    private final SampleSet samples;
    private final String output;
    private final ProgressListener progress;
    private final SequenceBuckets sequences; // null: samples run as given
    private final TokenMask mask;            // null: no attention_mask
    private final int outputTokens;          // the padded token length when the output has a token axis and runs are trimmed

    /** @param output  the model output that is read (the first): its declared rank tells whether it has a token axis */
    public SampleRunner(SampleSet samples, ValueInfoProto output, ProgressListener progress) {
        this.samples = samples;
        this.output = output.getName();
        this.progress = progress;
        this.sequences = SequenceBuckets.of(samples).orElse(null);
        this.mask = SequenceBuckets.tokenMask(samples).orElse(null);
        boolean tokenOutput = OnnxModel.declaredShape(output).length == 3;
        this.outputTokens = sequences != null && tokenOutput ? sequences.tokens() : 0;
    }

    public SampleSet samples() {
        return samples;
    }

    public String outputName() {
        return output;
    }

    /** The samples' real tokens (their attention_mask), or null when the data has none. */
    public TokenMask tokenMask() {
        return mask;
    }

    /**
     * Runs a model with one session per core (one session with all cores for at most {@link #FEW_SAMPLES} samples,
     * where creating the sessions costs more than running them); the first output, samples x width.
     */
    public float[] outputs(byte[] model, RuntimeOptions options, String stage) {
        try (ParallelRunner runner = new ParallelRunner(model, options, samples.size() <= FEW_SAMPLES)) {
            int total = samples.size();
            OutputRows rows = new OutputRows(total, outputTokens);
            AtomicInteger done = new AtomicInteger();
            if (sequences == null) {
                runner.run(samples.inputs(), samples.indices(), BATCH, Set.of(output), (offset, count, outs) -> {
                    rows.put(null, offset, count, 0, outs.get(output).data());
                    progress.progress(stage, done.addAndGet(count), total);
                });
            } else {
                for (SequenceBuckets.Bucket b : sequences.buckets()) {
                    runner.run(b.inputs(), BatchRunner.range(b.size()), BATCH, Set.of(output), (offset, count, outs) -> {
                        rows.put(b.positions(), offset, count, b.length(), outs.get(output).data());
                        progress.progress(stage, done.addAndGet(count), total);
                    });
                }
            }
            return rows.rows();
        }
    }

    /**
     * Median batch-1 latency in milliseconds: on the dataset's first sample, or for a token model on a sample of median
     * real length, trimmed to it, as one request to a deployment would be.
     */
    public double latencyMillis(byte[] model, RuntimeOptions options, int runs) {
        return latencyMillis(List.of(model), options, runs)[0];
    }

    /** The same for several models on the same sample, their runs interleaved ({@link LatencyMeter#interleavedMedians}). */
    public double[] latencyMillis(List<byte[]> models, RuntimeOptions options, int runs) {
        List<OrtModel> sessions = new ArrayList<>();
        try {
            for (byte[] m : models) {
                sessions.add(OrtModel.load(m, options)); // spinning as deployed; the meter lets the last block's threads settle
            }
            return LatencyMeter.interleavedMedians(sessions, oneRequest(), Set.of(output), Math.max(5, runs / 5), runs);
        } finally {
            sessions.forEach(OrtModel::close);
        }
    }

    /** Batch 1: the dataset's first sample, or a token model's sample of median real length trimmed to it. */
    private Map<String, NdArray> oneRequest() {
        if (sequences != null) {
            return sequences.single(sequences.medianLengthPosition()).inputs();
        }
        Map<String, NdArray> one = new LinkedHashMap<>();
        samples.inputs().forEach((k, v) -> one.put(k, v.selectSamples(new int[] {0})));
        return one;
    }
}
