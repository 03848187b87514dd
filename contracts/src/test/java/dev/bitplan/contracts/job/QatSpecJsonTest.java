package dev.bitplan.contracts.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.messaging.EvaluateCandidate;
import dev.bitplan.contracts.messaging.SearchRequested;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.CandidateKind;
import dev.bitplan.contracts.search.CandidateProposal;
import dev.bitplan.contracts.search.QatTraining;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The QAT fields of a job, its messages and its candidates: additive, so JSON written before them still reads. */
class QatSpecJsonTest {

    @Test
    void aSpecWrittenBeforeQatReadsWithoutItsFieldsAndWritesNone() {
        JobSpec old = Json.read("{\"method\":\"ptq\",\"candidates\":3,\"seed\":7}", JobSpec.class);
        assertNull(old.trainData());
        assertNull(old.qatSteps());
        assertNull(old.qatEpochs());
        assertNull(old.qatLearnRanges());
        assertFalse(Json.write(old).contains("qat"), Json.write(old));
    }

    @Test
    void aQatSpecTakesTheSmallDefaultBudgetAndRoundTrips() {
        JobSpec qat = Json.read("{\"method\":\"qat\",\"trainData\":\"ds-1\"}", JobSpec.class);
        assertEquals(JobSpec.DEFAULT_QAT_STEPS, qat.qatSteps());
        assertNull(qat.qatEpochs());
        assertEquals(qat, Json.read(Json.write(qat), JobSpec.class));
        JobSpec epochs = Json.read("{\"method\":\"qat\",\"trainData\":\"ds-1\",\"qatEpochs\":0.5}", JobSpec.class);
        assertNull(epochs.qatSteps());
        assertEquals(0.5, epochs.qatEpochs());
        assertFalse(qat.learnsRanges(), "activation ranges from calibration unless asked");
        JobSpec learned = Json.read("{\"method\":\"qat\",\"trainData\":\"ds-1\",\"qatLearnRanges\":true}", JobSpec.class);
        assertTrue(learned.learnsRanges());
        assertEquals(learned, Json.read(Json.write(learned), JobSpec.class));
        assertTrue(learned.withQat("ds-2", 5, null).learnsRanges(), "withQat keeps the choice");
    }

    @Test
    void aBadBudgetNamesItsField() {
        assertTrue(message(() -> Json.read("{\"method\":\"qat\",\"qatSteps\":0}", JobSpec.class)).contains("qatSteps must be in [1, 100000]"));
        assertTrue(message(() -> Json.read("{\"method\":\"qat\",\"qatEpochs\":-1}", JobSpec.class)).contains("qatEpochs must be in (0, 100]"));
        assertTrue(message(() -> Json.read("{\"qatSteps\":5,\"qatEpochs\":1}", JobSpec.class)).contains("give qatSteps or qatEpochs, not both"));
    }

    @Test
    void messagesAndCandidatesWrittenBeforeQatStillRead() {
        SearchRequested request = new SearchRequested("j", "m", "m.onnx", "d", "d.npz", null, JobSpec.defaults());
        ObjectNode old = Json.mapper().valueToTree(request);
        assertTrue(old.has("trainDataSha256"));
        old.remove("trainDataSha256"); // as the api wrote it before QAT jobs
        assertEquals(request, Json.read(old.toString(), SearchRequested.class));
        CandidateProposal p = new CandidateProposal("int8", CandidateKind.BASELINE_INT8, QuantPlan.uniform(8, 8), 0, 0);
        EvaluateCandidate eval = new EvaluateCandidate("j", "j:int8", "m", "d", null, JobSpec.defaults(), p);
        assertNull(Json.read(Json.write(eval), EvaluateCandidate.class).trainDataSha256());

        Candidate plain = new Candidate("int8", CandidateKind.BASELINE_INT8, QuantPlan.of(Map.of()), 0.9, 0.9, 10, 12L, 1.0, 1.0, 0, 0,
                false, false);
        assertFalse(Json.write(plain).contains("qat") || Json.write(plain).contains("ptqMetric"), Json.write(plain));
        Candidate tuned = plain.tuned(0.95, 0.949, 13, 1.1, QatTraining.trained(5, 320, 0.5, 0.3, 0.1, 400L << 20, 0, 1L << 26, 1L << 20, 13));
        Candidate read = Json.read(Json.write(tuned), Candidate.class);
        assertEquals(tuned, read);
        assertEquals(0.9, read.ptqMetric());
        assertEquals(0.95, read.qatMetric());
        assertEquals(0.95, read.metric());
    }

    private static String message(Runnable r) {
        Exception e = assertThrows(Exception.class, r::run);
        return e.getMessage() + (e.getCause() == null ? "" : " " + e.getCause().getMessage());
    }
}
