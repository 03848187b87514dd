package dev.bitplan.engine.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.plan.FusionMode;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.testmodels.TestModels;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The table's arithmetic, label rules and validation, without timing anything. */
class LatencyTableTest {

    private static final List<Layer> LAYERS = PreparedModel.of(new OnnxModel(TestModels.smallCnn(13))).layers();

    private static LatencyTable table(double overhead) {
        Map<String, Map<String, Double>> m = new LinkedHashMap<>();
        for (int i = 0; i < LAYERS.size(); i++) {
            Map<String, Double> o = new LinkedHashMap<>();
            o.put("float", 1.0 + i);
            o.put("w8a8", 0.5 + i);
            o.put("w4a8", 0.25 + i);
            m.put(LAYERS.get(i).name(), o);
        }
        return new LatencyTable(m, overhead, 1);
    }

    @Test
    void estimateIsOverheadPlusTheChosenEntries() {
        LatencyTable t = table(0.75);
        int n = LAYERS.size(); // entries i + {1, 0.5, 0.25}; sum of i = n(n-1)/2
        double base = n * (n - 1) / 2.0;
        assertEquals(0.75 + base + n, t.estimateMillis(QuantPlan.of(Map.of()), LAYERS), 1e-12);
        assertEquals(0.75 + base + 0.5 * n, t.estimateMillis(QuantPlan.uniform(8, 8), LAYERS), 1e-12);
        QuantPlan mixed = QuantPlan.uniform(8, 8).with(LAYERS.get(0).name(), LayerChoice.of(4, 8))
                .with(LAYERS.get(1).name(), LayerChoice.FLOAT);
        assertEquals(base + 0.5 * n - 0.25 + 0.5, t.layerSumMillis(mixed, LAYERS), 1e-12);
        assertEquals(t.layerSumMillis(mixed, LAYERS) - 2, t.withOverhead(-2).estimateMillis(mixed, LAYERS), 1e-12);
    }

    @Test
    void aFusionModeThePatternLacksIsFiledAsFused() {
        Layer gemm = LAYERS.get(LAYERS.size() - 1);
        Layer conv1 = LAYERS.get(0);
        assertEquals(List.of(FusionMode.FUSED), gemm.fusionModes());
        assertEquals("w8a8", LatencyTable.labelFor(gemm, LayerChoice.of(8, 8, FusionMode.UNFUSED)));
        assertEquals("w8a8-unfused", LatencyTable.labelFor(conv1, LayerChoice.of(8, 8, FusionMode.UNFUSED)));
        assertEquals("float", LatencyTable.labelFor(conv1, LayerChoice.FLOAT));
    }

    @Test
    void missingEntriesAndBadValuesAreRefusedWithWhatTheTableHas() {
        LatencyTable t = table(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.estimateMillis(QuantPlan.uniform(8, 4), LAYERS));
        assertTrue(e.getMessage().contains("w8a4") && e.getMessage().contains("w4a8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.millis("nope", "float"));
        Map<String, Map<String, Double>> bad = new HashMap<>();
        bad.put("x", Map.of("float", Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new LatencyTable(bad, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new LatencyTable(Map.of(), 0, 0));
        assertThrows(UnsupportedOperationException.class, () -> t.entries().put("y", Map.of()));
    }
}
