package dev.bitplan.engine.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.plan.Metric;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.contracts.search.LayerSensitivity;
import dev.bitplan.contracts.search.PairSensitivity;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.engine.Fixtures;
import dev.bitplan.engine.data.DatasetSplits;
import dev.bitplan.engine.data.SplitSizes;
import dev.bitplan.engine.eval.EvaluationSamples;
import dev.bitplan.engine.eval.PlanEvaluator;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.eval.SampleSet;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.runtime.RuntimeOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-layer sensitivity on the Fashion-MNIST ResNet-8 with real data. */
class SensitivityAnalyzerTest {

    @Test
    void fourBitsHurtMoreThanEightAndResumeSkipsMeasuredLayers() {
        OnnxModel loaded = ModelLoader.load(Fixtures.file("fashion/resnet8_fmnist.onnx"));
        EvaluationSamples samples = EvaluationSamples.load(loaded, Fixtures.file("fashion/fmnist_test.npz"),
                Fixtures.file("fashion/fmnist_calib.npz"), 256, 3);
        int[] picked = DatasetSplits.of(samples.validation().size(), 5, new SplitSizes(0, 256, 0, 0)).sensitivity();
        SampleSet sensitivity = new SampleSet(samples.validation().inputs(), samples.validation().labels(), picked);
        PlanEvaluator eval = new PlanEvaluator(PreparedModel.of(loaded), samples.calibration(), sensitivity,
                QuantizationOptions.defaults(), Metric.ACCURACY, RuntimeOptions.defaults(), ProgressListener.NONE);
        SensitivityAnalyzer analyzer = new SensitivityAnalyzer(eval, SearchSpace.defaults(), ProgressListener.NONE);

        List<LayerSensitivity> stored = new ArrayList<>();
        long t0 = System.nanoTime();
        List<LayerSensitivity> all = analyzer.layers(Map.of(), stored::add);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(10, all.size());
        assertEquals(all, stored, "each layer is handed over as soon as it is measured");
        int fourWorse = 0;
        for (LayerSensitivity s : all) {
            assertTrue(s.option("w8a8").divergence() >= 0);
            fourWorse += s.option("w4a8").divergence() > s.option("w8a8").divergence() ? 1 : 0;
        }
        assertEquals(10, fourWorse, "4-bit weights diverge more than 8-bit in every layer");
        System.out.printf("sensitivity of 10 layers (%d options) on 256 samples: %d ms%n",
                all.stream().mapToInt(s -> s.options().size()).sum(), ms);

        Map<String, LayerSensitivity> known = new HashMap<>();
        all.subList(0, 7).forEach(s -> known.put(s.layer(), s));
        List<LayerSensitivity> remeasured = new ArrayList<>();
        List<LayerSensitivity> resumed = analyzer.layers(known, remeasured::add);
        assertEquals(3, remeasured.size(), "a resumed analysis measures only the missing layers");
        assertEquals(all.subList(0, 7), resumed.subList(0, 7));
        assertEquals(all.subList(7, 10), remeasured, "measurements are deterministic");

        List<PairSensitivity> pairs = analyzer.pairs(all);
        assertTrue(pairs.size() >= 9, "every layer but the stem has a producer: " + pairs.size());
        assertTrue(pairs.stream().anyMatch(p -> p.layerA().equals("/stem/stem.0/Conv") && p.layerB().equals("/layer1/conv1/Conv")));

        // capped: the pairs whose two layers cost most alone (the smaller of the two), the same interactions as before
        List<PairSensitivity> capped = analyzer.maxPairs(3).pairs(all);
        assertEquals(3, capped.size());
        java.util.function.ToDoubleFunction<PairSensitivity> weaker = p -> Math.min(
                all.stream().filter(l -> l.layer().equals(p.layerA())).findFirst().orElseThrow().option(p.optionA()).divergence(),
                all.stream().filter(l -> l.layer().equals(p.layerB())).findFirst().orElseThrow().option(p.optionB()).divergence());
        double lowestKept = capped.stream().mapToDouble(weaker).min().orElseThrow();
        for (PairSensitivity p : pairs) {
            if (!capped.contains(p)) {
                assertTrue(weaker.applyAsDouble(p) <= lowestKept, p + " was left out but matters more than a kept pair");
            }
        }
        assertTrue(pairs.containsAll(capped), "a kept pair is measured as it was");
    }
}
