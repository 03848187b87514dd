package dev.bitplan.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.CandidateKind;
import dev.bitplan.contracts.search.CandidateProposal;
import dev.bitplan.contracts.search.QatTraining;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchProfile;
import dev.bitplan.contracts.search.SearchReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A QAT search's report, wherever its candidates were measured: the front and the recommendation judge the tuned metric. */
class QatReportTest {

    private static Candidate ptq(String id, double metric, long bytes) {
        return new Candidate(id, CandidateKind.SOLVER, QuantPlan.of(Map.of()), metric, metric, bytes, bytes, 1.0, 1.0, 0, 0, false, false);
    }

    private static Candidate tuned(String id, double ptqMetric, double qatMetric, long bytes) {
        return ptq(id, ptqMetric, bytes).tuned(qatMetric, qatMetric, bytes, 1.0, QatTraining.trained(5, 320, 0.4, 0.2, 0.1, null, 0, 1L << 26, 1L << 20, 0));
    }

    @Test
    void theRecommendationAndTheFrontFollowTheTunedMetric() {
        // by PTQ plan-1 is best; fine-tuned, plan-2 overtakes it at the same size and latency
        List<Candidate> measured = List.of(tuned("plan-1", 0.95, 0.955, 1_000), tuned("plan-2", 0.93, 0.97, 1_000),
                ptq("plan-3", 0.90, 900).notTuned("QAT cannot import ONNX op HardSwish (node 'act')"));
        List<CandidateProposal> proposals = measured.stream()
                .map(c -> new CandidateProposal(c.id(), c.kind(), c.plan(), 0, 1.0)).toList();
        SearchProfile profile = new SearchProfile("accuracy", null, null, new SearchReport.Fp32(0.98, 4_000, 1.0, 0, 4_000L),
                new SearchBudgets(null, 0.5, null, null, null, null), List.of(), List.of(), proposals, 0.1, Map.of());

        SearchReport report = ReportAssembler.assemble(profile, measured);

        assertEquals("plan-2", report.recommended(), report.recommendation());
        assertTrue(report.recommendation().contains("metric after QAT"), report.recommendation());
        Candidate one = report.candidates().get(0);
        Candidate two = report.candidates().get(1);
        assertFalse(one.onFront(), "plan-2's tuned metric dominates plan-1 at the same size and latency");
        assertTrue(two.onFront());
        assertEquals(0.93, two.ptqMetric(), 0.0);
        assertEquals(0.97, two.qatMetric(), 0.0);
        assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("QAT: 2 of 3") && n.contains("plan-3 (QAT cannot import ONNX op HardSwish")),
                report.notes().toString());
    }
}
