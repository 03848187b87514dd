package dev.bitplan.engine.data;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A user's samples checked against a model's inputs as {@link Dataset#forModel} checks them (same rules, same
 * problems), their values left on disk in an {@link NpzSpill}: the rows of a batch are read, converted to the model's
 * element types, on request. Values are checked (NaN, Inf, integer range) in one pass over the spill when opened, a
 * few thousand values in memory at a time. Safe for reads from several threads; closing deletes the spill.
 */
public final class StreamedDataset implements AutoCloseable {

    /** Values per part of the checking pass: the memory it takes, not the data's size. */
    private static final int CHECK_VALUES = 1 << 16;

    private final NpzSpill spill;
    private final List<InputSpec> specs;
    private final Dataset.Match<SpilledArray> match;

    private StreamedDataset(NpzSpill spill, List<InputSpec> specs, Dataset.Match<SpilledArray> match) {
        this.spill = spill;
        this.specs = List.copyOf(specs);
        this.match = match;
    }

    /**
     * Checks {@code spill} (read with {@link Dataset#mayFeed} kept) against the model's inputs; it belongs to the
     * result, and is closed here if the check fails.
     */
    public static StreamedDataset forModel(NpzSpill spill, List<InputSpec> modelInputs) {
        try {
            Dataset.Match<SpilledArray> match = Dataset.match(spill.arrays(), modelInputs);
            for (int i = 0; i < modelInputs.size(); i++) {
                checkValues(match.inputs().get(i), modelInputs.get(i), match.sampleCount());
            }
            return new StreamedDataset(spill, modelInputs, match);
        } catch (RuntimeException e) {
            spill.close();
            throw e;
        }
    }

    private static void checkValues(SpilledArray array, InputSpec spec, int samples) {
        Dataset.ValueCheck check = new Dataset.ValueCheck(array, spec);
        int perPart = (int) Math.max(1, CHECK_VALUES / Math.max(1, array.rowBytes() / array.dtype().bytes()));
        for (int from = 0; from < samples; from += perPart) {
            check.convert(array.rows(from, Math.min(perPart, samples - from)));
        }
        check.finish();
    }

    public int sampleCount() {
        return match.sampleCount();
    }

    /** The model inputs this dataset feeds, in model order. */
    public List<InputSpec> inputSpecs() {
        return specs;
    }

    /** Whether the file had a {@code labels} array. */
    public boolean hasLabels() {
        return match.labels() != null;
    }

    /**
     * The samples at {@code indices}, in that order: one array per model input, in model order, keyed and named by
     * the input, in its element type.
     */
    public Map<String, NdArray> rows(int[] indices) {
        Map<String, NdArray> out = new LinkedHashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            InputSpec spec = specs.get(i);
            out.put(spec.name(), Dataset.convert(match.inputs().get(i).rows(indices), spec));
        }
        return out;
    }

    /** The class index of the samples at {@code indices}, in that order; null when the file has no labels. */
    public long[] labels(int[] indices) {
        return match.labels() == null ? null : match.labels().rows(indices).toLongArray();
    }

    /** Bytes of the spill's raw files: the data as the archive stores it, decompressed. */
    public long bytesOnDisk() {
        return spill.bytesOnDisk();
    }

    /** The directory of the spill's files (deleted on close). */
    public Path directory() {
        return spill.directory();
    }

    /** Deletes the spill. */
    @Override
    public void close() {
        spill.close();
    }

    @Override
    public String toString() {
        return "StreamedDataset[" + sampleCount() + " samples, inputs=" + match.inputs()
                + (hasLabels() ? ", labels" : "") + "]";
    }
}
