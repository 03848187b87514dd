package dev.bitplan.engine.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.engine.eval.PreparedModel;
import dev.bitplan.engine.layers.Layer;
import dev.bitplan.engine.layers.LayerKind;
import dev.bitplan.engine.onnx.OnnxModel;
import dev.bitplan.engine.testmodels.TestModels;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The options a search offers a layer, with activation modes searched per layer. */
class LayerOptionsTest {

    private static final PreparedModel MODEL = PreparedModel.of(new OnnxModel(TestModels.transformerLike(13, false)));

    private static Layer first(LayerKind kind) {
        return MODEL.layers().stream().filter(l -> l.kind() == kind).findFirst().orElseThrow();
    }

    @Test
    void withoutModesEveryLayerTakesTheJobsMode() {
        SearchSpace space = new SearchSpace(List.of(4, 8), List.of(8), false, false, false);
        assertEquals(List.of("w4a8", "w8a8"), LayerOptions.of(first(LayerKind.MATMUL), space).stream().map(LayerChoice::label).toList());
    }

    @Test
    void modesMultiplyTheOptionsOfLayersThatQuantizeTheirInput() {
        SearchSpace space = new SearchSpace(List.of(4, 8), List.of(4, 8), false, false, false,
                List.of(ActivationMode.STATIC, ActivationMode.DYNAMIC, ActivationMode.WEIGHT_ONLY));
        // dynamic only at 8-bit activations; weight-only once per weight bits (it reads no activation bits)
        assertEquals(List.of("w4a4-static", "w4-weight-only", "w4a8-static", "w4a8-dynamic", "w8a4-static", "w8-weight-only",
                        "w8a8-static", "w8a8-dynamic"),
                LayerOptions.of(first(LayerKind.MATMUL), space).stream().map(LayerChoice::label).toList());
        // an embedding is weight-only whatever is searched
        assertEquals(List.of("w4a4", "w8a4"), LayerOptions.of(first(LayerKind.GATHER), space).stream().map(LayerChoice::label).toList());
    }

    @Test
    void blockSizesAreOfferedOnce4BitWhereBlocksFit() {
        SearchSpace space = new SearchSpace(List.of(4, 8), List.of(8), false, false, false,
                List.of(ActivationMode.STATIC, ActivationMode.DYNAMIC), List.of(32));
        Layer fits = MODEL.layers().stream().filter(l -> l.kind() == LayerKind.MATMUL && l.weightDims().length == 2
                && l.weightDims()[0] % 32 == 0).findFirst().orElseThrow();
        // block-wise is weight-only: offered once beside the activation modes, not once per mode
        assertEquals(List.of("w4a8-static", "w4a8-dynamic", "w8a8-static", "w8a8-dynamic", "w4-block32"),
                LayerOptions.of(fits, space).stream().map(LayerChoice::label).toList());
        Layer tooShort = MODEL.layers().stream().filter(l -> l.kind() == LayerKind.MATMUL && l.weightDims().length == 2
                && l.weightDims()[0] % 32 != 0).findFirst().orElse(null);
        if (tooShort != null) {
            assertEquals(4, LayerOptions.of(tooShort, space).size(), "no blocks where K is not a multiple of the block");
        }
        SearchSpace eightOnly = new SearchSpace(List.of(8), List.of(8), false, false, false, List.of(), List.of(32));
        assertEquals(List.of("w8a8"), LayerOptions.of(fits, eightOnly).stream().map(LayerChoice::label).toList());
    }

    @Test
    void smoothQuantDoublesTheOptionsThatQuantizeTheInputOfLayersThatCanTakeIt() {
        SearchSpace space = new SearchSpace(List.of(4, 8), List.of(8), true, false, false,
                List.of(ActivationMode.DYNAMIC, ActivationMode.WEIGHT_ONLY), List.of(), true);
        Layer matMul = first(LayerKind.MATMUL);
        assertEquals(List.of("w4a8-dynamic-no-smooth", "w4a8-dynamic-smooth", "w4-weight-only", "w8a8-dynamic-no-smooth",
                        "w8a8-dynamic-smooth", "w8-weight-only", "float"),
                LayerOptions.of(matMul, space, true).stream().map(LayerChoice::label).toList(), "weight-only has no input to smooth");
        assertEquals(List.of("w4a8-dynamic", "w4-weight-only", "w8a8-dynamic", "w8-weight-only", "float"),
                LayerOptions.of(matMul, space, false).stream().map(LayerChoice::label).toList(), "a layer that reads no LayerNorm");
        SearchSpace without = new SearchSpace(List.of(4, 8), List.of(8), false, false, false, List.of(), List.of(), false);
        assertEquals(List.of("w4a8", "w8a8"), LayerOptions.of(matMul, without, true).stream().map(LayerChoice::label).toList(),
                "not offered unless the space asks");
    }
}
