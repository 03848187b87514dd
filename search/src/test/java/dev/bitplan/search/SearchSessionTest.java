package dev.bitplan.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.CandidateKind;
import dev.bitplan.contracts.search.CandidateProposal;
import dev.bitplan.contracts.search.LayerSensitivity;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchProfile;
import dev.bitplan.contracts.search.SearchReport;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.engine.InvalidInputException;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The search split the way the service runs it: profile in one session (resumed half-way in another), each
 * proposal measured in fresh sessions, the report assembled from measurements in any order.
 */
class SearchSessionTest {

    private static final Path FIXTURES = Path.of(System.getProperty("bitplan.fixtures", "../../shared/fixtures"));
    private static final Path MODEL = FIXTURES.resolve("mnist/resnet8_bn.onnx");

    private static SearchRequest request() {
        JobSpec spec = new JobSpec(null, null, new SearchBudgets(null, 0.25, null, null, null, null),
                new SearchSpace(List.of(4, 8), List.of(8), false, false, false), null, 3, 5L, 64, 64, 3, null);
        return SearchRequest.from(spec, MODEL, FIXTURES.resolve("mnist/mnist_test.npz"), FIXTURES.resolve("mnist/mnist_calib.npz"));
    }

    private static SearchSession session() {
        return new SearchSession(request(), RuntimeOptions.defaults(), ProgressListener.NONE);
    }

    @Test
    void aResumedProfileMeasuresOnlyTheMissingLayersAndProposesTheSamePlans() {
        List<LayerSensitivity> firstHalf = new ArrayList<>();
        SearchProfile full = session().profile(Map.of(), firstHalf::add);
        int layers = full.layers().size();
        Map<String, LayerSensitivity> known = new LinkedHashMap<>();
        firstHalf.subList(0, layers / 2).forEach(s -> known.put(s.layer(), s));

        List<LayerSensitivity> measuredOnResume = new ArrayList<>();
        SearchProfile resumed = session().profile(known, measuredOnResume::add);

        assertEquals(layers - layers / 2, measuredOnResume.size());
        assertTrue(measuredOnResume.stream().noneMatch(s -> known.containsKey(s.layer())));
        assertEquals(full.proposals().stream().map(CandidateProposal::plan).toList(),
                resumed.proposals().stream().map(CandidateProposal::plan).toList());

        // measured in other sessions (other evaluators), in reverse order: same candidates as in-process
        List<Candidate> measured = new ArrayList<>();
        for (CandidateProposal p : full.proposals()) {
            measured.add(session().measure(p).candidate());
        }
        Collections.reverse(measured);
        SearchReport report = ReportAssembler.assemble(full, measured);
        SearchReport inProcess = new PlanSearch(request(), RuntimeOptions.defaults(), ProgressListener.NONE).run();
        assertEquals(inProcess.candidates().stream().map(Candidate::id).toList(), report.candidates().stream().map(Candidate::id).toList());
        for (int i = 0; i < report.candidates().size(); i++) {
            Candidate a = report.candidates().get(i);
            Candidate b = inProcess.candidates().get(i);
            assertEquals(b.plan(), a.plan(), a.id());
            assertEquals(b.metric(), a.metric(), 1e-12, a.id());
            assertEquals(b.sizeBytes(), a.sizeBytes(), a.id());
            assertEquals(b.exportedBytes(), a.exportedBytes(), a.id());
        }
        assertEquals(inProcess.recommended(), report.recommended());
    }

    @Test
    void assemblyRefusesMissingOrUnknownCandidates() {
        SearchProfile profile = new SearchProfile("accuracy", null, null, new SearchReport.Fp32(0.9, 100, 0, 10), SearchBudgets.none(),
                List.of(), List.of(), List.of(new CandidateProposal("fp32", CandidateKind.BASELINE_FP32, dev.bitplan.contracts.plan.QuantPlan.of(Map.of()), 0, 1)),
                0, Map.of());
        assertThrows(IllegalArgumentException.class, () -> ReportAssembler.assemble(profile, List.of()));
    }

    @Test
    void anImpossibleSizeBudgetIsRefusedFromTheModelAlone() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Feasibility.check(MODEL,
                new SearchSpace(List.of(4, 8), List.of(8), false, false, false), dev.bitplan.contracts.plan.QuantizationOptions.defaults(),
                new SearchBudgets(1000L, null, null, null, null, null)));
        assertTrue(e.getMessage().contains("infeasible budget"), e.getMessage());
        Feasibility.check(MODEL, new SearchSpace(List.of(4, 8), List.of(8), false, false, false),
                dev.bitplan.contracts.plan.QuantizationOptions.defaults(), new SearchBudgets(null, 0.5, null, null, null, null));
    }
}
