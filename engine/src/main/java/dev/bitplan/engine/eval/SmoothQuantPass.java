package dev.bitplan.engine.eval;

import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerDiscovery;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.smooth.ChannelAbsMax;
import dev.bitplan.engine.smooth.SmoothQuantFolding;
import dev.bitplan.engine.smooth.Smoothing;
import dev.bitplan.engine.smooth.SmoothingScales;
import dev.bitplan.engine.smooth.SmoothingSite;
import dev.bitplan.engine.smooth.SmoothingSites;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * SmoothQuant's measurement on a prepared model: one FP32 pass over the calibration samples measures each smoothing
 * site's per-channel max |x| (token models trimmed to their real tokens, as calibration is), from which the scales
 * follow ({@code engine.smooth}). Which layers read the smoothed values is then each plan's choice; {@link #apply}
 * gives the model with every reader smoothed.
 */
public final class SmoothQuantPass {

    /** The model with every reader smoothed, the smoothing it used, and what a report says about it. */
    public record Result(PreparedModel model, Smoothing smoothing, List<String> notes) {

        public List<SmoothingSite> sites() {
            return smoothing.sites();
        }

        public Map<String, float[]> scales() {
            return smoothing.scales();
        }
    }

    private SmoothQuantPass() {
    }

    /** The sites of {@code model} and their scales at {@code alpha}, measured on {@code calibration}. */
    public static Smoothing measure(PreparedModel model, SampleSet calibration, double alpha, RuntimeOptions runtime,
                                    ProgressListener progress) {
        SmoothingSites.Found found = SmoothingSites.find(model.folded(), model.layers());
        List<SmoothingSite> sites = found.sites();
        Map<String, float[]> scales = new LinkedHashMap<>();
        if (!sites.isEmpty()) {
            if (calibration.size() == 0) {
                // with no activation seen every channel would take the floor's scale: refuse rather than fold nonsense
                throw new InvalidInputException(Problem.BAD_REQUEST, "SmoothQuant measures activations on the calibration samples; "
                        + "there are none");
            }
            Map<String, Integer> channels = new LinkedHashMap<>();
            sites.forEach(s -> channels.put(s.output(), s.channels()));
            ChannelAbsMax activations = new ChannelAbsMax(channels);
            CalibrationRun.forEachBatch(model.folded(), calibration, new LinkedHashSet<>(channels.keySet()), runtime, progress,
                    "smoothquant", (inputs, indices) -> { }, activations::accept);
            for (SmoothingSite s : sites) {
                scales.put(s.output(), SmoothingScales.of(activations.of(s.output()), SmoothingScales.weightRowMax(model.folded(), s), alpha));
            }
        }
        return new Smoothing(sites, scales, alpha, found.leftAlone());
    }

    /** The model with every site's every reader smoothed: exact in FP32, the same layers. */
    public static Result apply(PreparedModel model, SampleSet calibration, double alpha, RuntimeOptions runtime,
                               ProgressListener progress) {
        Smoothing smoothing = measure(model, calibration, alpha, runtime, progress);
        OnnxModel smoothed = SmoothQuantFolding.applyToAll(model.folded(), smoothing);
        PreparedModel prepared = new PreparedModel(smoothed, LayerDiscovery.discover(smoothed), LayerDiscovery.skippedCandidates(smoothed));
        if (!names(prepared.layers()).equals(names(model.layers()))) {
            throw new IllegalStateException("SmoothQuant changed the layers: " + names(model.layers()) + " -> " + names(prepared.layers()));
        }
        return new Result(prepared, smoothing, smoothing.notes(SmoothQuantFolding.allReaders(smoothing)));
    }

    private static List<String> names(List<Layer> layers) {
        return layers.stream().map(Layer::name).toList();
    }
}
