package dev.bitplan.api.service;

import dev.bitplan.api.service.Views.ArrayInfo;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import dev.bitplan.engine.data.Dataset;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.data.NpzFile;
import dev.bitplan.engine.data.NpzReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Checks an uploaded NPZ with the engine's reader (refuses non-zip files, object arrays and pickles, and
 * zip bombs: it never inflates more than the dataset limit), then refuses NaN or infinite values, which
 * the engine would refuse anyway when a job feeds the data to a model.
 */
public final class DatasetFileCheck {

    private DatasetFileCheck() {
    }

    public record ValidatedDataset(List<ArrayInfo> arrays, int samples, boolean hasLabels) {
    }

    public static ValidatedDataset check(Path file, String fileName, long maxBytes) {
        NpzFile npz;
        try (InputStream in = Files.newInputStream(file)) {
            npz = new NpzReader(maxBytes, NpzReader.DEFAULT_MAX_ENTRIES).read(in, fileName);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the upload", e);
        }
        if (npz.size() == 0) {
            throw new InvalidInputException(Problem.UNUSABLE, "'" + fileName + "' holds no arrays; save one array per model input "
                    + "(named like the input, or 'input') and optional 'labels'");
        }
        List<ArrayInfo> arrays = new ArrayList<>();
        Integer samples = null;
        for (NdArray a : npz.arrays()) {
            arrays.add(new ArrayInfo(a.name(), a.dtype().name().toLowerCase(Locale.ROOT), Arrays.stream(a.shape()).boxed().toList()));
            if (a.name().equals(Dataset.LABELS_ARRAY)) {
                continue;
            }
            if (a.dtype().isFloating()) {
                requireFinite(a, fileName);
            }
            if (samples == null && a.rank() > 0) {
                samples = a.sampleCount();
            }
        }
        boolean hasLabels = npz.contains(Dataset.LABELS_ARRAY);
        return new ValidatedDataset(arrays, samples == null ? 0 : samples, hasLabels);
    }

    private static void requireFinite(NdArray a, String fileName) {
        long nan = 0;
        long inf = 0;
        long length = a.length();
        // scan the array as it is held (no float64 copy of a float32 array: uploads can be large)
        if (a.dtype() == dev.bitplan.engine.data.DType.FLOAT32) {
            for (float v : a.toFloatArray()) {
                nan += Float.isNaN(v) ? 1 : 0;
                inf += Float.isInfinite(v) ? 1 : 0;
            }
        } else {
            for (double v : a.toDoubleArray()) {
                nan += Double.isNaN(v) ? 1 : 0;
                inf += Double.isInfinite(v) ? 1 : 0;
            }
        }
        if (nan + inf == 0) {
            return;
        }
        String what = nan == length ? "only NaN values (" + nan + ")"
                : (nan > 0 ? "NaN (" + nan + " values)" : "") + (nan > 0 && inf > 0 ? " and " : "") + (inf > 0 ? "Inf (" + inf + " values)" : "")
                + " out of " + length;
        throw new InvalidInputException(Problem.UNUSABLE, "array '" + a.name() + "' in '" + fileName + "' contains " + what
                + "; replace them or drop those samples before uploading");
    }
}
