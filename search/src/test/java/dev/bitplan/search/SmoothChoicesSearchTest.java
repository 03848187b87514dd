package dev.bitplan.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.LayerChoice;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.CandidateKind;
import dev.bitplan.contracts.search.LayerReport;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchReport;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.contracts.search.SensitivityDepth;
import dev.bitplan.engine.data.NpzFile;
import dev.bitplan.engine.data.NpzWriter;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.qdq.SampleSets;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.engine.testmodels.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmoothQuant searched per layer ({@code space.smoothQuant}) on the engine's post-LN test encoder (two LayerNorms, whose
 * readers are the query, value and head MatMuls): each reader's options are measured both ways, the embedding's are
 * not, the latency table times the kernel once for both, and the baselines stay unsmoothed. Random weights and tokens:
 * this checks the wiring, not accuracy (BGE-small's figures are in docs/BENCHMARKS.md).
 */
class SmoothChoicesSearchTest {

    private static final List<String> READERS = List.of("/attn/query/MatMul", "/attn/value/MatMul", "/head/MatMul");

    @Test
    void readersOfLayerNormsChooseSmoothQuantPerLayer(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("ln_encoder.onnx");
        Files.write(model, TestModels.layerNormEncoder(false).toByteArray());
        Path data = dir.resolve("sentences.npz");
        NpzWriter.write(NpzFile.of(SampleSets.sentences(7, 96, 12).inputs().values()), data);
        SearchSpace space = new SearchSpace(List.of(4, 8), List.of(8), false, false, false, List.of(), List.of(), true);
        SearchRequest request = new SearchRequest(model, data, null, 32, 32, null,
                QuantizationOptions.defaults().withActivationMode(ActivationMode.STATIC), space,
                new SearchBudgets(null, 0.95, null, null, null, null), 3, 5, 5, 0, SensitivityDepth.FULL);
        SearchReport r = new PlanSearch(request, RuntimeOptions.defaults(), ProgressListener.NONE).run();

        Map<String, LayerReport> layers = r.layers().stream().collect(Collectors.toMap(LayerReport::name, l -> l));
        for (String reader : READERS) {
            List<LayerReport.OptionReport> options = layers.get(reader).options();
            assertEquals(List.of("w4a8-no-smooth", "w4a8-smooth", "w8a8-no-smooth", "w8a8-smooth"),
                    options.stream().map(LayerReport.OptionReport::label).toList(), reader);
            for (int i = 0; i < options.size(); i += 2) {
                LayerReport.OptionReport plain = options.get(i);
                LayerReport.OptionReport smooth = options.get(i + 1);
                assertNotNull(smooth.sensitivity().divergence(), "measured on the model: " + smooth.label());
                assertNotEquals(plain.sensitivity().divergence(), smooth.sensitivity().divergence(), reader
                        + ": smoothing changes what the layer's quantization costs");
                assertEquals(plain.latencyMs(), smooth.latencyMs(), 0, "one kernel, timed once");
                assertEquals(plain.sizeBytes(), smooth.sizeBytes());
            }
        }
        assertEquals(List.of("w4a8", "w8a8"), layers.get("/embed/Gather").options().stream().map(LayerReport.OptionReport::label).toList(),
                "an embedding reads no LayerNorm");

        Candidate int8 = r.candidates().stream().filter(c -> c.kind() == CandidateKind.BASELINE_INT8).findFirst().orElseThrow();
        for (String reader : READERS) {
            assertEquals(LayerChoice.of(8, 8).withSmoothed(false), int8.plan().choiceFor(reader), "baselines stay unsmoothed");
        }
        for (Candidate c : r.candidates()) {
            assertNotNull(c.deployedMetric(), c.id() + " was exported and run as deployed");
            if (c.kind() != CandidateKind.BASELINE_FP32) {
                assertEquals(c.metric(), c.deployedMetric(), 2e-4, c.id() + ": the export computes what was scored");
            }
        }
        assertTrue(r.candidates().stream().anyMatch(c -> READERS.stream().anyMatch(l -> Boolean.TRUE.equals(c.plan().choiceFor(l).smoothed()))),
                "some plan smooths a layer: " + r.candidates().stream().map(c -> c.id() + " " + c.plan()).toList());
    }
}
