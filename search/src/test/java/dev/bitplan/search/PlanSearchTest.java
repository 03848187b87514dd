package dev.bitplan.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.plan.ActivationMode;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.CandidateKind;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchReport;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole search on the MNIST ResNet-8 with small sample counts, so it runs in seconds. */
class PlanSearchTest {

    private static final Path FIXTURES = Path.of(System.getProperty("bitplan.fixtures", "../../shared/fixtures"));
    private static SearchReport halfBudget;

    private static SearchRequest request(SearchBudgets budgets, long seed) {
        return new SearchRequest(FIXTURES.resolve("mnist/resnet8_bn.onnx"), FIXTURES.resolve("mnist/mnist_test.npz"),
                FIXTURES.resolve("mnist/mnist_calib.npz"), 128, 128, null, QuantizationOptions.defaults(),
                new SearchSpace(List.of(4, 8), List.of(8), false, false, false), budgets, 4, seed, 10, 0, null);
    }

    private static SearchReport run(SearchBudgets budgets, long seed) {
        return new PlanSearch(request(budgets, seed), RuntimeOptions.defaults(), ProgressListener.NONE).run();
    }

    @BeforeAll
    static void searchOnce() {
        halfBudget = run(new SearchBudgets(null, 0.2, null, null, null, null), 11);
    }

    @Test
    void reportHasTheFieldsScriptsRelyOn() throws Exception {
        JsonNode j = Json.mapper().readTree(Json.write(halfBudget));
        assertEquals(1, j.get("schemaVersion").asInt());
        assertEquals("accuracy", j.get("metricName").asText());
        assertEquals(0.9885, j.at("/fp32/metric").asDouble(), 0.02);
        assertTrue(j.at("/fp32/sizeBytes").asLong() > 300_000);
        assertEquals(0.2, j.at("/budgets/maxSizeRatio").asDouble());
        Set<CandidateKind> kinds = halfBudget.candidates().stream().map(Candidate::kind).collect(Collectors.toSet());
        assertEquals(Set.of(CandidateKind.BASELINE_FP32, CandidateKind.BASELINE_INT8, CandidateKind.BASELINE_INT4, CandidateKind.SOLVER), kinds);
        Set<String> kindsInJson = new java.util.TreeSet<>();
        j.get("candidates").forEach(c -> kindsInJson.add(c.get("kind").asText()));
        assertEquals(new java.util.TreeSet<>(Set.of("baseline-fp32", "baseline-int8", "baseline-int4", "solver")), kindsInJson);
        for (JsonNode c : j.get("candidates")) {
            for (String field : List.of("id", "kind", "metric", "sizeBytes", "latencyMs", "onFront", "plan")) {
                assertTrue(c.has(field), "candidate lacks " + field + ": " + c);
            }
        }
        assertEquals(10, j.get("layers").size());
        assertTrue(j.at("/layers/0/options/0/sensitivity/divergence").isNumber());
        assertTrue(j.get("stageMillis").has("sensitivity"));
        assertTrue(j.has("recommended"));
    }

    @Test
    void recommendationMeetsTheBudgetAndIsTheBestThatDoes() {
        // judged on files: a ratio of the float model's file, met by the exported file
        long limit = (long) Math.floor(0.2 * halfBudget.fp32().fileBytes());
        String id = halfBudget.recommended();
        assertNotNull(id, halfBudget.recommendation());
        Candidate rec = halfBudget.candidates().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
        assertTrue(rec.exportedBytes() <= limit, rec.exportedBytes() + " > " + limit);
        for (Candidate c : halfBudget.candidates()) {
            assertEquals(c.exportedBytes() <= limit, c.withinBudgets(), c.id());
            if (c.withinBudgets()) {
                assertTrue(c.metric() <= rec.metric(), c.id() + " beats the recommendation");
            }
        }
        assertTrue(halfBudget.candidates().stream().anyMatch(c -> !c.withinBudgets()), "int8 and fp32 miss a 0.2 budget");
        // plan-1 is solved at the user's budget (the others sweep the front): the solver plans against the file limit
        // less the file's overhead over the modelled bytes, so its file fits
        Candidate atBudget = halfBudget.candidates().stream().filter(c -> c.id().equals("plan-1")).findFirst().orElseThrow();
        assertTrue(atBudget.withinBudgets(), "file " + atBudget.exportedBytes() + " > " + limit);
        assertTrue(halfBudget.candidates().stream().anyMatch(Candidate::onFront));
        for (Candidate c : halfBudget.candidates()) {
            assertNotNull(c.deployedMetric(), "every candidate is re-run as deployed: " + c.id());
            assertEquals(c.metric(), c.deployedMetric(), 0.005, "deployed " + c.id() + " agrees with simulation");
        }
    }

    @Test
    void sameSeedSamePlans() {
        SearchReport again = run(new SearchBudgets(null, 0.2, null, null, null, null), 11);
        assertEquals(halfBudget.candidates().stream().map(Candidate::plan).toList(),
                again.candidates().stream().map(Candidate::plan).toList());
    }

    @Test
    void theReportCarriesCalibrationsViewOfEveryLayersInputAndOutput() {
        for (dev.bitplan.contracts.search.LayerReport l : halfBudget.layers()) {
            for (dev.bitplan.contracts.search.TensorRangeReport t : java.util.List.of(l.input(), l.output())) {
                assertEquals(t.count(), t.histogram().stream().mapToLong(Long::longValue).sum(), l.name() + " " + t.tensor());
                assertEquals(0.0, t.clipping().get("MINMAX").clippedShare(), l.name());
                assertTrue(t.max() >= t.min());
            }
        }
        // a ReLU output has nothing below zero
        assertEquals(0.0, halfBudget.layers().get(0).output().min(), 1e-9);
    }

    @Test
    void tiedLayersShareTheirChoiceInEverySolverPlan() {
        SearchRequest base = request(new SearchBudgets(null, 0.18, null, null, null, null), 11);
        SearchRequest tied = new SearchRequest(base.model(), base.data(), base.calibrationData(), base.calibrationSamples(),
                base.sensitivitySamples(), null, base.quantization(), new SearchSpace(List.of(4, 8), List.of(8), false, false, true),
                base.budgets(), base.candidates(), base.seed(), base.latencyRuns(), 4, base.sensitivity());
        SearchReport r = new PlanSearch(tied, RuntimeOptions.defaults(), ProgressListener.NONE).run();
        // the Adds of layer2 and layer3 join their conv2 with the 1x1 shortcut conv
        List<List<String>> groups = List.of(List.of("/layer2/conv2/Conv", "/layer2/down/down.0/Conv"),
                List.of("/layer3/conv2/Conv", "/layer3/down/down.0/Conv"));
        long solverPlans = 0;
        for (Candidate c : r.candidates()) {
            if (c.kind() != CandidateKind.SOLVER) {
                continue;
            }
            solverPlans++;
            for (List<String> g : groups) {
                assertEquals(c.plan().choiceFor(g.get(0)), c.plan().choiceFor(g.get(1)), c.id() + " ties " + g);
            }
        }
        assertTrue(solverPlans >= 2, "the sweep found several tied plans");
        assertTrue(r.layers().get(0).options().get(0).latencyMsAtBatch() > 0, "the table was also measured at batch 4");
        assertEquals(null, halfBudget.layers().get(0).options().get(0).latencyMsAtBatch(), "only when a batch is named");
    }

    @Test
    void activationModesAreChosenPerLayer() {
        SearchRequest base = request(new SearchBudgets(null, 0.2, null, null, null, null), 11);
        SearchRequest modes = new SearchRequest(base.model(), base.data(), base.calibrationData(), base.calibrationSamples(),
                base.sensitivitySamples(), null, base.quantization().withActivationMode(ActivationMode.DYNAMIC),
                new SearchSpace(List.of(4, 8), List.of(8), false, false, false, List.of(ActivationMode.STATIC, ActivationMode.WEIGHT_ONLY)),
                base.budgets(), base.candidates(), base.seed(), base.latencyRuns(), 0, base.sensitivity());
        SearchReport r = new PlanSearch(modes, RuntimeOptions.defaults(), ProgressListener.NONE).run();
        // every layer was measured, timed and offered in both modes (calibrated on demand in a dynamic job)
        assertEquals(List.of("w4a8-static", "w4-weight-only", "w8a8-static", "w8-weight-only"),
                r.layers().get(0).options().stream().map(o -> o.label()).toList());
        assertTrue(r.pairs().stream().allMatch(p -> p.optionA().equals("w4a8-static")), "pairs at the first mode searched");
        Candidate best = r.candidates().stream().filter(c -> c.id().equals(r.recommended())).findFirst().orElseThrow();
        for (var layer : r.layers()) {
            assertTrue(best.plan().choiceFor(layer.name()).activation() != null, layer.name() + " has its own mode");
        }
    }

    @Test
    void infeasibleBudgetNamesTheSmallestSize() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> run(new SearchBudgets(10_000L, null, null, null, null, null), 1));
        assertEquals(InvalidInputException.Problem.UNUSABLE, e.problem());
        assertTrue(e.getMessage().contains("smallest possible plan"), e.getMessage());
    }

    @Test
    void noCandidateQualifiesSaysSoAndNamesTheClosest() {
        SearchReport r = run(new SearchBudgets(null, 0.2, null, null, 0.9999, null), 11);
        assertNull(r.recommended());
        assertTrue(r.recommendation().startsWith("no candidate meets every budget; closest:"), r.recommendation());
        assertTrue(r.candidates().size() >= 4, "the whole front is kept");
    }
}
