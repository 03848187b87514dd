package dev.bitplan.qat.train;

import dev.bitplan.engine.data.DType;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.data.StreamedDataset;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.metrics.TokenMask;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * QAT's training samples, numbered 0 to {@link #size()} - 1: the rows of a batch for each model input, their labels,
 * and what the data takes in memory and on disk. Batches may be read from several threads at once (the teacher reads
 * one batch ahead on its own). A training NPZ is {@link #streamed} from a spill on disk; samples a caller holds
 * already are {@link #held}.
 */
public abstract class TrainingData implements AutoCloseable {

    /** The samples of one batch: model inputs in model order, named and typed as the model takes them; labels or null. */
    public record Batch(Map<String, NdArray> inputs, long[] labels) {

        /** Bytes the batch's values take in the heap (floats 4 bytes a value, integers 8, as held). */
        public long heapBytes() {
            return TrainingData.heapBytes(inputs, labels);
        }
    }

    /**
     * What the data took, measured.
     *
     * @param heldBytes         values kept in the heap between batches (the whole set when held; none when streamed)
     * @param bytesOnDisk       the spill's raw files, the data decompressed (0 when held)
     * @param largestBatchBytes the largest batch read so far, as handed to the trainer ({@link Batch#heapBytes})
     */
    public record Footprint(long heldBytes, long bytesOnDisk, long largestBatchBytes) {
    }

    private final AtomicLong largestBatch = new AtomicLong();

    /** The samples of a file, streamed from its spill; closing this closes (deletes) it. */
    public static TrainingData streamed(StreamedDataset data) {
        return new StreamedTrainingData(data);
    }

    /** The samples of {@code set}, in its order (sample {@code i} is {@code set.indices()[i]}); closing does nothing. */
    public static TrainingData held(SampleSet set) {
        return new HeldTrainingData(set);
    }

    /** How many samples there are. */
    public abstract int size();

    /** Whether there are labels. */
    public abstract boolean hasLabels();

    /** The samples numbered {@code samples}, in that order; labels only when asked for and present. */
    public final Batch batch(int[] samples, boolean withLabels) {
        Batch batch = read(samples, withLabels && hasLabels());
        largestBatch.accumulateAndGet(batch.heapBytes(), Math::max);
        return batch;
    }

    /**
     * Each sample's real length (its {@code attention_mask}'s real tokens, at least 1), when the samples are a token
     * model's sentences padded on the right; empty otherwise. Reads the data once, {@code chunk} samples at a time.
     */
    public final Optional<int[]> realLengths(int chunk) {
        int[] lengths = new int[size()];
        for (int from = 0; from < lengths.length; from += chunk) {
            int[] samples = IntStream.range(from, Math.min(lengths.length, from + chunk)).toArray();
            NdArray mask = batch(samples, false).inputs().get(TokenMask.INPUT);
            if (mask == null || mask.rank() != 2) {
                return Optional.empty();
            }
            TokenMask real = TokenMask.of(mask, IntStream.range(0, samples.length).toArray());
            if (!real.rightPadded()) {
                return Optional.empty();
            }
            for (int i = 0; i < samples.length; i++) {
                lengths[from + i] = Math.max(1, real.realCount(i));
            }
        }
        return Optional.of(lengths);
    }

    public final Footprint footprint() {
        return new Footprint(heldBytes(), bytesOnDisk(), largestBatch.get());
    }

    protected abstract Batch read(int[] samples, boolean withLabels);

    protected abstract long heldBytes();

    protected abstract long bytesOnDisk();

    @Override
    public abstract void close();

    /** Bytes the values take in the heap: float32 4 a value, the rest 8 (integers are held as long), labels 8. */
    static long heapBytes(Map<String, NdArray> arrays, long[] labels) {
        long bytes = labels == null ? 0 : 8L * labels.length;
        for (NdArray a : arrays.values()) {
            bytes += (long) a.length() * (a.dtype() == DType.FLOAT32 ? 4 : 8);
        }
        return bytes;
    }
}
