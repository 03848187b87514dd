package dev.bitplan.engine.data;

import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A user's samples checked against a model's inputs, ready to feed it.
 *
 * <p>Rules: the file holds one array per model input, named like the input (or {@code input} when the
 * model has a single input); the first axis counts samples; an optional {@code labels} array holds one
 * integer class per sample. Input arrays are converted to the model's element type (integers may feed
 * float inputs; floats may not feed integer inputs) and renamed after the model input they feed.
 */
public final class Dataset {

    /** Array name accepted for the only input of a single-input model, whatever the input is called. */
    public static final String SINGLE_INPUT_ARRAY = "input";
    /** Array name of the optional per-sample class labels. */
    public static final String LABELS_ARRAY = "labels";

    private final List<InputSpec> specs;
    private final List<NdArray> inputs;
    private final long[] labels; // null when the file has none
    private final int sampleCount;

    private Dataset(List<InputSpec> specs, List<NdArray> inputs, long[] labels, int sampleCount) {
        this.specs = List.copyOf(specs);
        this.inputs = List.copyOf(inputs);
        this.labels = labels;
        this.sampleCount = sampleCount;
    }

    /** Checks {@code npz} against the model's inputs; throws InvalidInputException naming the array at fault. */
    public static Dataset forModel(NpzFile npz, List<InputSpec> modelInputs) {
        Match<NdArray> match = match(npz.arrays(), modelInputs);
        List<NdArray> converted = new ArrayList<>();
        for (int i = 0; i < match.inputs().size(); i++) {
            converted.add(convert(match.inputs().get(i), modelInputs.get(i)));
        }
        return new Dataset(modelInputs, converted, match.labels() == null ? null : match.labels().toLongArray(),
                match.sampleCount());
    }

    /**
     * The arrays of a file matched to a model's inputs by name, shape and element type, as {@link #forModel} matches
     * them, without looking at their values.
     *
     * @param inputs      the array that feeds each model input, in model order
     * @param labels      the labels array, or null when the file has none
     * @param sampleCount the samples every array holds
     */
    public record Match<A extends ArrayInfo>(List<A> inputs, A labels, int sampleCount) {
    }

    /** Matches {@code arrays} (a file's, in file order) to the model's inputs; throws as {@link #forModel} does. */
    public static <A extends ArrayInfo> Match<A> match(List<A> arrays, List<InputSpec> modelInputs) {
        if (modelInputs.isEmpty()) {
            throw new InvalidInputException(Problem.UNUSABLE, "the model declares no inputs, so no dataset can feed it");
        }
        Map<String, A> byName = new LinkedHashMap<>();
        arrays.forEach(a -> byName.put(a.name(), a));
        List<A> raw = new ArrayList<>();
        for (InputSpec spec : modelInputs) {
            raw.add(byName.get(arrayNameFor(spec, byName, modelInputs)));
        }
        boolean labelsAreInput = modelInputs.stream().anyMatch(s -> s.name().equals(LABELS_ARRAY));
        A labelArray = !labelsAreInput ? byName.get(LABELS_ARRAY) : null;

        for (int i = 0; i < raw.size(); i++) {
            checkShape(raw.get(i), modelInputs.get(i));
        }
        if (labelArray != null) {
            checkLabels(labelArray);
        }
        int sampleCount = commonSampleCount(raw, labelArray);
        if (sampleCount == 0) {
            throw new InvalidInputException(Problem.UNUSABLE, "the dataset is empty: array '" + raw.get(0).name()
                    + "' has 0 samples");
        }
        return new Match<>(List.copyOf(raw), labelArray, sampleCount);
    }

    /** The names of the arrays {@link #match} may pick for these model inputs: the others need not be kept. */
    public static Predicate<String> mayFeed(List<InputSpec> modelInputs) {
        Set<String> names = new HashSet<>();
        modelInputs.forEach(s -> names.add(s.name()));
        names.add(LABELS_ARRAY);
        if (modelInputs.size() == 1) {
            names.add(SINGLE_INPUT_ARRAY);
        }
        return names::contains;
    }

    private static String arrayNameFor(InputSpec spec, Map<String, ? extends ArrayInfo> arrays, List<InputSpec> modelInputs) {
        if (arrays.containsKey(spec.name())) {
            return spec.name();
        }
        boolean single = modelInputs.size() == 1;
        if (single && arrays.containsKey(SINGLE_INPUT_ARRAY)) {
            return SINGLE_INPUT_ARRAY;
        }
        String expected = modelInputs.stream().map(s -> "'" + s.name() + "' " + InputSpec.describe(s.shape()))
                .collect(Collectors.joining(", "));
        throw new InvalidInputException(Problem.UNUSABLE, "the dataset has no array for model input '" + spec.name()
                + "': name it '" + spec.name() + "'"
                + (single && !spec.name().equals(SINGLE_INPUT_ARRAY) ? " (or '" + SINGLE_INPUT_ARRAY + "')" : "")
                + ". The file holds " + (arrays.isEmpty() ? "no arrays" : "arrays " + quoted(List.copyOf(arrays.keySet())))
                + "; the model expects " + expected + (single ? "" : ", one array each")
                + ", plus optional '" + LABELS_ARRAY + "'");
    }

    private static void checkShape(ArrayInfo array, InputSpec spec) {
        long[] shape = array.shape();
        if (shape.length == 0) {
            throw new InvalidInputException(Problem.UNUSABLE, "array '" + array.name() + "' is a single value; its "
                    + "first axis must count the samples for model input '" + spec.name() + "'");
        }
        long[] sample = Arrays.copyOfRange(shape, 1, shape.length);
        long[] expected = spec.sampleShape();
        boolean fits = sample.length == expected.length;
        for (int d = 0; fits && d < sample.length; d++) {
            fits = expected[d] < 0 || expected[d] == sample[d]; // the model may leave a dim open
        }
        if (!fits) {
            long[] wanted = new long[expected.length + 1];
            wanted[0] = shape[0];
            System.arraycopy(expected, 0, wanted, 1, expected.length);
            throw new InvalidInputException(Problem.UNUSABLE, "array '" + array.name() + "' has samples of shape "
                    + InputSpec.describe(sample) + " but model input '" + spec.name() + "' expects "
                    + InputSpec.describe(expected) + " (the array's shape " + InputSpec.describe(shape)
                    + " should be " + InputSpec.describe(wanted) + ", its first axis counting samples)");
        }
        if (!spec.dtype().isFloating() && array.dtype().isFloating()) {
            throw new InvalidInputException(Problem.UNUSABLE, "array '" + array.name() + "' holds "
                    + typeName(array.dtype()) + " but model input '" + spec.name() + "' takes "
                    + typeName(spec.dtype()) + (spec.dtype() == DType.INT64 ? " (such as token ids)" : "")
                    + "; save it with an integer dtype, e.g. a.astype(np."
                    + typeName(spec.dtype()) + ")");
        }
    }

    private static void checkLabels(ArrayInfo labels) {
        DType t = labels.dtype();
        if (t.isFloating() || t == DType.BOOL) {
            throw new InvalidInputException(Problem.UNUSABLE, "array '" + LABELS_ARRAY + "' holds " + typeName(t)
                    + " but labels must be integer class indices; save them with labels.astype(np.int64)");
        }
        if (labels.rank() != 1) {
            throw new InvalidInputException(Problem.UNUSABLE, "array '" + LABELS_ARRAY + "' has shape "
                    + InputSpec.describe(labels.shape()) + " but labels must be 1-D, one class index per sample"
                    + (labels.rank() == 2 ? "; for one-hot labels save labels.argmax(axis=1)" : ""));
        }
    }

    private static int commonSampleCount(List<? extends ArrayInfo> inputs, ArrayInfo labels) {
        List<ArrayInfo> all = new ArrayList<>(inputs);
        if (labels != null) {
            all.add(labels);
        }
        int count = all.get(0).sampleCount();
        if (all.stream().anyMatch(a -> a.sampleCount() != count)) {
            String counts = all.stream().map(a -> "'" + a.name() + "' has " + a.sampleCount())
                    .collect(Collectors.joining(", "));
            throw new InvalidInputException(Problem.UNUSABLE, "arrays disagree on the number of samples (first axis): "
                    + counts + "; every array needs one entry per sample");
        }
        return count;
    }

    /** The array in the model's element type, named after the model input; rejects NaN, Inf and overflow. */
    static NdArray convert(NdArray array, InputSpec spec) {
        ValueCheck check = new ValueCheck(array, spec);
        NdArray converted = check.convert(array);
        check.finish();
        return converted;
    }

    /**
     * The values of one array converted to a model input's element type part by part, as they are read: integers out
     * of the input's range are refused at once, NaN and Inf counted over all parts and refused at {@link #finish}.
     */
    static final class ValueCheck {
        private final ArrayInfo whole;
        private final InputSpec spec;
        private long nan;
        private long inf;

        ValueCheck(ArrayInfo whole, InputSpec spec) {
            this.whole = whole;
            this.spec = spec;
        }

        /** {@code part} (some samples of the whole array) in the input's element type, named after the input. */
        NdArray convert(NdArray part) {
            long[] shape = part.shape();
            switch (spec.dtype()) {
                case FLOAT32 -> {
                    float[] values = part.toFloatArray();
                    for (float v : values) {
                        nan += Float.isNaN(v) ? 1 : 0;
                        inf += Float.isInfinite(v) ? 1 : 0;
                    }
                    return NdArray.ofFloats(spec.name(), shape, values);
                }
                case FLOAT64 -> {
                    double[] values = part.toDoubleArray();
                    for (double v : values) {
                        nan += Double.isNaN(v) ? 1 : 0;
                        inf += Double.isInfinite(v) ? 1 : 0;
                    }
                    return NdArray.ofDoubles(spec.name(), shape, values);
                }
                default -> {
                    long[] values = part.toLongArray();
                    requireInRange(whole, spec, values);
                    return NdArray.ofLongs(spec.name(), spec.dtype(), shape, values);
                }
            }
        }

        /** Throws if any part held NaN or Inf. */
        void finish() {
            requireFinite(whole, spec, nan, inf);
        }
    }

    private static void requireFinite(ArrayInfo array, InputSpec spec, long nan, long inf) {
        if (nan == 0 && inf == 0) {
            return;
        }
        List<String> bad = new ArrayList<>();
        if (nan > 0) {
            bad.add("NaN (" + nan + (nan == 1 ? " value)" : " values)"));
        }
        if (inf > 0) {
            bad.add("Inf (" + inf + (inf == 1 ? " value" : " values")
                    + (array.dtype() == spec.dtype() ? ")" : " after conversion to " + typeName(spec.dtype()) + ")"));
        }
        throw new InvalidInputException(Problem.UNUSABLE, "array '" + array.name() + "' contains "
                + String.join(" and ", bad) + " out of " + NdArray.elementCount(array.shape())
                + "; replace them or drop those samples before uploading");
    }

    private static void requireInRange(ArrayInfo array, InputSpec spec, long[] values) {
        long min;
        long max;
        switch (spec.dtype()) {
            case INT8 -> { min = Byte.MIN_VALUE; max = Byte.MAX_VALUE; }
            case UINT8 -> { min = 0; max = 255; }
            case INT32 -> { min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; }
            case BOOL -> { min = 0; max = 1; }
            default -> { return; } // INT64 holds every value we read
        }
        for (long v : values) {
            if (v < min || v > max) {
                throw new InvalidInputException(Problem.UNUSABLE, "array '" + array.name() + "' holds the value " + v
                        + ", which does not fit model input '" + spec.name() + "' (" + typeName(spec.dtype())
                        + ", " + min + ".." + max + ")");
            }
        }
    }

    /** numpy's name for a type: float32, int64, bool. */
    private static String typeName(DType t) {
        return t.name().toLowerCase();
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
    }

    public int sampleCount() {
        return sampleCount;
    }

    /** The model inputs this dataset feeds, in model order. */
    public List<InputSpec> inputSpecs() {
        return specs;
    }

    /** One array per model input, in model order, in the input's element type and named after it. */
    public List<NdArray> inputs() {
        return inputs;
    }

    /** Class index per sample, if the file had a {@code labels} array. */
    public Optional<long[]> labels() {
        return Optional.ofNullable(labels).map(long[]::clone);
    }

    /** The samples at {@code indices}, in that order. */
    public Dataset subset(int[] indices) {
        for (int i : indices) {
            if (i < 0 || i >= sampleCount) {
                throw new IndexOutOfBoundsException("sample index " + i + " outside 0.." + (sampleCount - 1));
            }
        }
        List<NdArray> picked = inputs.stream().map(a -> a.selectSamples(indices)).collect(Collectors.toList());
        long[] pickedLabels = null;
        if (labels != null) {
            pickedLabels = new long[indices.length];
            for (int i = 0; i < indices.length; i++) {
                pickedLabels[i] = labels[indices[i]];
            }
        }
        return new Dataset(specs, picked, pickedLabels, indices.length);
    }

    @Override
    public String toString() {
        return "Dataset[" + sampleCount + " samples, inputs=" + inputs + (labels != null ? ", labels" : "") + "]";
    }
}
