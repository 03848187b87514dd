package dev.bitplan.engine.eval;

import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.InvalidInputException.Problem;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerDiscovery;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.smooth.ChannelAbsMax;
import dev.bitplan.engine.smooth.SmoothQuantFolding;
import dev.bitplan.engine.smooth.SmoothingScales;
import dev.bitplan.engine.smooth.SmoothingSite;
import dev.bitplan.engine.smooth.SmoothingSites;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * SmoothQuant on a prepared model: one FP32 pass over the calibration samples measures each smoothing site's
 * per-channel max |x| (token models trimmed to their real tokens, as calibration is), then the scales are folded into
 * the LayerNorms and weights ({@code engine.smooth}). The result is a float model with the same layers, which
 * calibration, scoring and the export then all start from.
 */
public final class SmoothQuantPass {

    /** The smoothed model, its sites and scales (by site output), and what a report says about it. */
    public record Result(PreparedModel model, List<SmoothingSite> sites, Map<String, float[]> scales, List<String> notes) {
    }

    private SmoothQuantPass() {
    }

    public static Result apply(PreparedModel model, SampleSet calibration, double alpha, RuntimeOptions runtime,
                               ProgressListener progress) {
        SmoothingSites.Found found = SmoothingSites.find(model.folded(), model.layers());
        List<SmoothingSite> sites = found.sites();
        Map<String, float[]> scales = new LinkedHashMap<>();
        OnnxModel smoothed = model.folded();
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
            smoothed = SmoothQuantFolding.apply(model.folded(), sites, scales);
        }
        PreparedModel prepared = new PreparedModel(smoothed, LayerDiscovery.discover(smoothed), LayerDiscovery.skippedCandidates(smoothed));
        if (!names(prepared.layers()).equals(names(model.layers()))) {
            throw new IllegalStateException("SmoothQuant changed the layers: " + names(model.layers()) + " -> " + names(prepared.layers()));
        }
        return new Result(prepared, sites, scales, notes(alpha, sites, found.leftAlone()));
    }

    private static List<String> names(List<Layer> layers) {
        return layers.stream().map(Layer::name).toList();
    }

    private static List<String> notes(double alpha, List<SmoothingSite> sites, Map<String, String> leftAlone) {
        List<String> notes = new ArrayList<>();
        int readers = sites.stream().mapToInt(s -> s.readers().size()).sum();
        int restored = (int) sites.stream().filter(s -> !s.restoredReaders().isEmpty()).count();
        notes.add(String.format("SmoothQuant alpha %s: %d LayerNorm output%s smoothed into the weights of %d MatMul layer%s%s; "
                        + "%d MatMul input%s left alone", alpha, sites.size(), sites.size() == 1 ? "" : "s", readers,
                readers == 1 ? "" : "s", restored == 0 ? "" : " (" + restored + " residual Mul" + (restored == 1 ? "" : "s")
                        + " restore the unscaled value for the residual Add)", leftAlone.size(), leftAlone.size() == 1 ? "" : "s"));
        return notes;
    }
}
