package dev.bitplan.engine.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.contracts.search.LayerSensitivity;
import dev.bitplan.contracts.search.OptionSensitivity;
import dev.bitplan.contracts.search.PairSensitivity;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.contracts.search.SensitivityDepth;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.eval.EvaluationSamples;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.qdq.SampleSets;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.testmodels.TestModels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Fast sensitivity: every layer alone on its FP32 input, the whole model only for the layers that rank highest. */
class FastSensitivityTest {

    @Test
    void measuresTheTopRankedLayersOnTheModelAndPredictsTheRest() {
        int layers = 30;
        PlanEvaluator eval = new PlanEvaluator(PreparedModel.of(new OnnxModel(TestModels.mlpChain(layers))), SampleSets.vectors(1, 64, 16),
                SampleSets.vectors(2, 64, 16), QuantizationOptions.defaults(), Metric.AGREEMENT, RuntimeOptions.defaults(),
                ProgressListener.NONE);
        SensitivityAnalyzer analyzer = new SensitivityAnalyzer(eval, new SearchSpace(List.of(4, 8), List.of(8), false, false, false),
                ProgressListener.NONE).depth(SensitivityDepth.FAST);
        List<LayerSensitivity> stored = new ArrayList<>();
        List<LayerSensitivity> all = analyzer.layers(Map.of(), stored::add);

        assertEquals(layers, all.size());
        assertEquals(new HashSet<>(all), new HashSet<>(stored), "every layer is handed over to be stored");
        int onModel = SensitivityAnalyzer.fullLayers(layers);
        assertEquals(12, onModel);
        List<LayerSensitivity> measured = all.stream().filter(l -> l.options().stream().noneMatch(OptionSensitivity::predicted)).toList();
        assertEquals(onModel, measured.size());
        for (LayerSensitivity l : all) {
            for (OptionSensitivity o : l.options()) {
                assertNotNull(o.localError(), "every option was probed alone: " + l.layer());
                assertTrue(o.localError() > 0 && o.localError() < 1, l.layer() + " " + o);
                assertNull(o.metricDropVs8bit(), "fast depth does not measure against the all-8-bit plan");
                assertEquals(o.predicted(), o.metricDrop() == null, "a predicted option has no measured metric");
            }
            assertTrue(l.option("w4a8").localError() > l.option("w8a8").localError(), "4 bits err more than 8 alone: " + l.layer());
        }
        // every layer was measured on the model at its coarsest option; every option of those that cost most there
        double lowestMeasured = measured.stream().mapToDouble(l -> l.option("w4a8").divergence()).min().orElseThrow();
        for (LayerSensitivity l : all) {
            OptionSensitivity w4 = l.option("w4a8");
            assertFalse(w4.predicted(), "the coarsest option is measured: " + l.layer());
            assertNotNull(w4.metricDrop());
            if (!measured.contains(l)) {
                assertTrue(w4.divergence() <= lowestMeasured, l.layer() + " cost more than a fully measured layer");
                assertTrue(l.option("w8a8").predicted());
            }
        }
        SensitivityAnalyzer.Cost cost = analyzer.cost();
        assertEquals(layers, cost.probedLayers());
        assertEquals(layers, cost.layersOnModel());
        assertEquals(onModel, cost.layersFully());
        assertEquals(layers + onModel, cost.modelPasses(), "one pass per layer, one more per fully measured layer");
        // a predicted divergence scales the measured one by the ratio of local errors, as fitted on the fully measured layers
        DivergenceFit fit = analyzer.fit();
        assertEquals(onModel, fit.points(), fit.toString());
        LayerSensitivity p = all.stream().filter(l -> !measured.contains(l)).findFirst().orElseThrow();
        OptionSensitivity w4 = p.option("w4a8");
        assertEquals(fit.predict(w4.divergence(), w4.localError(), p.option("w8a8").localError()), p.option("w8a8").divergence(), 1e-15);
        assertTrue(p.option("w8a8").divergence() < w4.divergence());

        List<PairSensitivity> pairs = analyzer.pairs(all);
        Set<String> names = new HashSet<>(measured.stream().map(LayerSensitivity::layer).toList());
        assertFalse(pairs.isEmpty());
        pairs.forEach(pair -> assertTrue(names.contains(pair.layerA()) && names.contains(pair.layerB()), "pairs of measured layers: " + pair));
        assertTrue(pairs.size() <= SensitivityAnalyzer.FAST_MAX_PAIRS);

        // a resumed analysis keeps what was stored and measures nothing again
        Map<String, LayerSensitivity> known = new HashMap<>();
        all.forEach(l -> known.put(l.layer(), l));
        SensitivityAnalyzer again = new SensitivityAnalyzer(eval, new SearchSpace(List.of(4, 8), List.of(8), false, false, false),
                ProgressListener.NONE).depth(SensitivityDepth.FAST);
        List<LayerSensitivity> none = new ArrayList<>();
        assertEquals(all, again.layers(known, none::add));
        assertEquals(List.of(), none);
        assertEquals(0, again.cost().modelPasses());
    }

    @Test
    void onBgeSmallPredictedOptionsGiveTheSolverNearlyTheMeasuredGain() {
        OnnxModel loaded = ModelLoader.load(Fixtures.model(Fixtures.BGE_SMALL));
        EvaluationSamples samples = EvaluationSamples.load(loaded, Fixtures.file("text/license_text_64.npz"), null, 32, 0);
        SampleSet v = samples.validation();
        SampleSet few = new SampleSet(v.inputs(), v.labels(), Arrays.copyOf(v.indices(), 8));
        PlanEvaluator eval = new PlanEvaluator(PreparedModel.of(loaded), samples.calibration(), few,
                QuantizationOptions.defaults().withWeightBlockSize(32), Metric.SENTENCE_COSINE, RuntimeOptions.defaults(), ProgressListener.NONE);
        SensitivityAnalyzer analyzer = new SensitivityAnalyzer(eval, SearchSpace.defaults(), ProgressListener.NONE).depth(SensitivityDepth.FAST);
        List<LayerSensitivity> all = analyzer.layers(Map.of(), s -> {
        });
        List<LayerSensitivity> predicted = all.stream().filter(l -> l.options().stream().anyMatch(OptionSensitivity::predicted)).toList();
        assertEquals(all.size() - SensitivityAnalyzer.fullLayers(all.size()), predicted.size());
        // what the solver weighs is the gain of 8 over 4 bits in a layer: d(w4) - d(w8); check it on the model for some layers
        int checked = 0;
        for (int i = 0; i < predicted.size(); i += predicted.size() / 5) {
            LayerSensitivity l = predicted.get(i);
            OptionSensitivity w4 = l.option("w4a8");
            OptionSensitivity w8 = l.option("w8a8");
            double actual = analyzerDivergence(eval, l.layer(), w8);
            System.out.printf("%s: w4 %.3g, w8 predicted %.3g, on the model %.3g%n", l.layer(), w4.divergence(), w8.divergence(), actual);
            assertEquals(w4.divergence() - actual, w4.divergence() - w8.divergence(), 0.25 * w4.divergence(), l.layer());
            checked++;
        }
        assertTrue(checked >= 5);
    }

    /** The divergence the analyzer would have measured for this option, on the whole model. */
    private static double analyzerDivergence(PlanEvaluator eval, String layer, OptionSensitivity option) {
        float[] outputs = eval.simulatedOutputs(QuantPlan.of(Map.of(layer, option.choice())));
        return dev.bitplan.engine.metrics.Divergence.of(eval.metric(), outputs, eval.referenceOutputs(),
                outputs.length / eval.validationSize(), eval.tokenMask());
    }

}
