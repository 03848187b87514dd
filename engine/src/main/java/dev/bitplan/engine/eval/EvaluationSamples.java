package dev.bitplan.engine.eval;

import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import dev.bitplan.engine.data.DType;
import dev.bitplan.engine.data.Dataset;
import dev.bitplan.engine.data.DatasetSplits;
import dev.bitplan.engine.data.InputSpec;
import dev.bitplan.engine.data.NdArray;
import dev.bitplan.engine.data.NpzFile;
import dev.bitplan.engine.data.NpzReader;
import dev.bitplan.engine.data.SplitSizes;
import dev.bitplan.engine.data.StreamedDataset;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.onnx.Tensors;
import dev.bitplan.engine.runtime.BatchRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The calibration and validation samples of an evaluation, from one NPZ file split by seed, or from a
 * separate calibration file. Validation never shares a sample with calibration.
 */
public record EvaluationSamples(SampleSet calibration, SampleSet validation) {

    /**
     * @param calibrationFile  a separate calibration file, or null to draw calibration samples from {@code dataFile}
     * @param calibrationCount how many calibration samples to use (fewer if the source has fewer)
     */
    public static EvaluationSamples load(OnnxModel model, Path dataFile, Path calibrationFile, int calibrationCount, long seed) {
        Dataset data = Dataset.forModel(read(dataFile), inputSpecs(model));
        if (calibrationFile != null) {
            Dataset calib = Dataset.forModel(read(calibrationFile), inputSpecs(model));
            int n = Math.min(calibrationCount, calib.sampleCount());
            int[] picked = DatasetSplits.of(calib.sampleCount(), seed, new SplitSizes(n, 0, 0, 0)).calibration();
            return new EvaluationSamples(sampleSet(calib, picked), sampleSet(data, BatchRunner.range(data.sampleCount())));
        }
        int n = Math.min(calibrationCount, data.sampleCount() / 2);
        if (n < 1) {
            throw new InvalidInputException(Problem.UNUSABLE, dataFile.getFileName() + " has " + data.sampleCount()
                    + " sample(s): too few to split into calibration and validation; give at least 2 or a separate calibration file");
        }
        DatasetSplits splits = DatasetSplits.of(data.sampleCount(), seed, SplitSizes.restForValidation(n, 0, 0));
        return new EvaluationSamples(sampleSet(data, splits.calibration()), sampleSet(data, splits.validation()));
    }

    /** Every sample of a data file, for scoring models that need no calibration (comparing two finished models). */
    public static SampleSet whole(OnnxModel model, Path dataFile) {
        Dataset data = Dataset.forModel(read(dataFile), inputSpecs(model));
        return sampleSet(data, BatchRunner.range(data.sampleCount()));
    }

    /**
     * Samples for a search: {@code sensitivityCount} sensitivity samples and the rest for validation, both from
     * {@code dataFile}; calibration from {@code calibrationFile}, or else drawn from {@code dataFile} too. The three
     * sets are disjoint whenever they come from the same file. Returned as (calibration, validation) plus the
     * sensitivity set.
     */
    public static SearchSplit loadForSearch(OnnxModel model, Path dataFile, Path calibrationFile, int calibrationCount,
                                            int sensitivityCount, long seed) {
        Dataset data = Dataset.forModel(read(dataFile), inputSpecs(model));
        int own = calibrationFile == null ? calibrationCount : 0;
        if (data.sampleCount() < own + sensitivityCount + 1) {
            throw new InvalidInputException(Problem.UNUSABLE, dataFile.getFileName() + " has " + data.sampleCount()
                    + " samples; a search needs " + (own + sensitivityCount + 1) + " (" + (own > 0 ? own + " calibration, " : "")
                    + sensitivityCount + " sensitivity and at least 1 validation)");
        }
        DatasetSplits splits = DatasetSplits.of(data.sampleCount(), seed, SplitSizes.restForValidation(own, sensitivityCount, 0));
        SampleSet calibration;
        if (calibrationFile != null) {
            Dataset calib = Dataset.forModel(read(calibrationFile), inputSpecs(model));
            int n = Math.min(calibrationCount, calib.sampleCount());
            calibration = sampleSet(calib, DatasetSplits.of(calib.sampleCount(), seed, new SplitSizes(n, 0, 0, 0)).calibration());
        } else {
            calibration = sampleSet(data, splits.calibration());
        }
        return new SearchSplit(calibration, sampleSet(data, splits.sensitivity()), sampleSet(data, splits.validation()));
    }

    /** The three sample sets of a search. */
    public record SearchSplit(SampleSet calibration, SampleSet sensitivity, SampleSet validation) {
    }

    /** The model's inputs as the dataset checks them. */
    public static List<InputSpec> inputSpecs(OnnxModel model) {
        return model.realInputs().stream().map(EvaluationSamples::spec).toList();
    }

    private static InputSpec spec(ValueInfoProto v) {
        int type = v.getType().getTensorType().getElemType();
        DType dtype = switch (type) {
            case Tensors.FLOAT -> DType.FLOAT32;
            case Tensors.INT64 -> DType.INT64;
            case Tensors.INT32 -> DType.INT32;
            case Tensors.UINT8 -> DType.UINT8;
            case Tensors.INT8 -> DType.INT8;
            case Tensors.DOUBLE -> DType.FLOAT64;
            default -> throw new InvalidInputException(Problem.UNUSABLE, "model input '" + v.getName()
                    + "' has element type " + type + ", which BitPlan cannot feed");
        };
        return new InputSpec(v.getName(), dtype, OnnxModel.declaredShape(v));
    }

    private static SampleSet sampleSet(Dataset data, int[] indices) {
        Map<String, NdArray> inputs = new LinkedHashMap<>();
        for (int i = 0; i < data.inputSpecs().size(); i++) {
            inputs.put(data.inputSpecs().get(i).name(), data.inputs().get(i));
        }
        return new SampleSet(inputs, data.labels().orElse(null), indices);
    }

    public static NpzFile read(Path file) {
        return readFile(file, reader -> reader.read(file));
    }

    /**
     * Every sample of a data file, checked as {@link #whole} checks it, left on disk: the file is decompressed once
     * into a spill the result reads batches from, and deletes on close (e.g. a QAT training set).
     */
    public static StreamedDataset streamed(OnnxModel model, Path dataFile) {
        List<InputSpec> specs = inputSpecs(model);
        return StreamedDataset.forModel(readFile(dataFile, reader -> reader.spill(dataFile, Dataset.mayFeed(specs))), specs);
    }

    /** What is read from a data file by an {@link NpzReader}. */
    @FunctionalInterface
    private interface FileRead<T> {
        T read(NpzReader reader) throws IOException;
    }

    private static <T> T readFile(Path file, FileRead<T> read) {
        try {
            return read.read(new NpzReader());
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(Problem.BAD_REQUEST, "data file " + file + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
