package dev.bitplan.evaluator;

import static dev.bitplan.messaging.testing.WorkerTestBed.MNIST;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.blob.Sha256;
import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.messaging.CandidateEvaluated;
import dev.bitplan.contracts.messaging.EvaluateCandidate;
import dev.bitplan.contracts.messaging.JobEvent;
import dev.bitplan.contracts.messaging.Topics;
import dev.bitplan.contracts.plan.QuantPlan;
import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.CandidateKind;
import dev.bitplan.contracts.search.CandidateProposal;
import dev.bitplan.engine.onnx.ModelLoader;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.messaging.JsonSerde;
import dev.bitplan.messaging.testing.FakeApi;
import dev.bitplan.messaging.testing.TestKafka;
import dev.bitplan.messaging.testing.WorkerTestBed;
import dev.bitplan.search.MeasuredCandidate;
import dev.bitplan.search.SearchRequest;
import dev.bitplan.search.SearchSession;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The evaluator end to end on a real broker, real MNIST files and an HTTP stand-in for the api (uploads included). */
class EvaluatorTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final JobSpec SPEC = new JobSpec(null, null, null, null, null, 2, 7L, 64, 64, 3, null);
    private static final RuntimeOptions RUNTIME = new RuntimeOptions(2, true);

    @RegisterExtension
    static final WorkerTestBed bed = new WorkerTestBed();

    @TempDir
    static Path cache;

    private static Evaluator evaluator(String topic) {
        return new Evaluator(bed.settings("ev-", cache), RUNTIME, topic, "g-" + topic);
    }

    private static void request(String topic, String jobId, JobSpec spec, CandidateProposal p) {
        String id = EvaluateCandidate.candidateId(jobId, p.id());
        bed.publisher().sendAndFlush(topic, id, new EvaluateCandidate(jobId, id, bed.modelSha(), bed.dataSha(), bed.calibrationSha(), spec, p));
    }

    @Test
    void measuresLikeTheInProcessSessionAndShipsALoadableArtifact() throws Exception {
        List<CandidateProposal> proposals = List.of(
                new CandidateProposal("fp32", CandidateKind.BASELINE_FP32, QuantPlan.of(Map.of()), 0, 0),
                new CandidateProposal("int8", CandidateKind.BASELINE_INT8, QuantPlan.uniform(8, 8), 0, 0),
                new CandidateProposal("int4", CandidateKind.BASELINE_INT4, QuantPlan.uniform(4, 8), 0, 0));
        String topic = TestKafka.topic("eval");
        String jobId = "job-" + UUID.randomUUID();
        bed.api().job(jobId, JobState.EVALUATING, List.of());
        Map<String, CandidateEvaluated> results;
        try (Evaluator e = evaluator(topic)) {
            proposals.forEach(p -> request(topic, jobId, SPEC, p));
            results = TestKafka.readUntil(List.of(Topics.EVAL_RESULTS), r -> r.key().startsWith(jobId), rs -> rs.size() >= 3, WAIT).stream()
                    .map(r -> JsonSerde.read(r.value(), CandidateEvaluated.class))
                    .collect(Collectors.toMap(c -> c.candidate().id(), c -> c));
        }
        assertEquals(3, results.size());

        SearchSession inProcess = new SearchSession(SearchRequest.from(SPEC, MNIST.resolve("resnet8_bn.onnx"), MNIST.resolve("mnist_test.npz"),
                MNIST.resolve("mnist_calib.npz")), RUNTIME, (s, d, t) -> { });
        for (CandidateProposal p : proposals.subList(1, 3)) {
            MeasuredCandidate expected = inProcess.measure(p);
            CandidateEvaluated got = results.get(p.id());
            assertEquals(jobId + ":" + p.id(), got.candidateId());
            assertSameFigures(expected.candidate(), got.candidate());
            assertNotNull(got.artifactSha256());
            byte[] uploaded = bed.api().stored(got.artifactSha256());
            assertNotNull(uploaded, "the export is in the api's blob store before its result is published");
            assertEquals(Sha256.of(uploaded), got.artifactSha256());
            ModelLoader.parse(uploaded, p.id() + " artifact"); // a valid ONNX model
            assertArrayEquals(expected.exported().bytes(), uploaded, "same export as in-process");
        }
        CandidateEvaluated fp32 = results.get("fp32");
        assertNull(fp32.artifactSha256(), "the FP32 baseline's model is the uploaded one");
        assertEquals(inProcess.measure(proposals.get(0)).candidate().metric(), fp32.candidate().metric());
        assertTrue(results.get("int8").candidate().sizeBytes() > results.get("int4").candidate().sizeBytes());
    }

    private static void assertSameFigures(Candidate expected, Candidate got) {
        assertEquals(expected.metric(), got.metric(), 1e-9, "simulated metric");
        assertEquals(expected.deployedMetric(), got.deployedMetric(), 1e-9, "deployed metric");
        assertEquals(expected.sizeBytes(), got.sizeBytes());
        assertEquals(expected.exportedBytes(), got.exportedBytes());
        assertEquals(expected.bops(), got.bops());
        assertNotNull(got.latencyMs());
    }

    @Test
    void aQatCandidateIsFineTunedAndItsTunedExportShipped() throws Exception {
        String topic = TestKafka.topic("qat");
        String jobId = "job-" + UUID.randomUUID();
        bed.api().job(jobId, JobState.EVALUATING, List.of());
        // the digits' calibration file (256) is data, calibration and training set, so 192 samples validate and it stays fast:
        // a few steps show the wiring; QAT's gains are QatBench's and BENCHMARKS'
        JobSpec qat = SPEC.withQat("train", 5, null);
        CandidateProposal int4 = new CandidateProposal("int4", CandidateKind.BASELINE_INT4, QuantPlan.uniform(4, 8), 0, 0);
        CandidateEvaluated got;
        List<JobEvent.Progress> steps;
        try (Evaluator e = evaluator(topic)) {
            String id = EvaluateCandidate.candidateId(jobId, int4.id());
            bed.publisher().sendAndFlush(topic, id, new EvaluateCandidate(jobId, id, bed.modelSha(), bed.calibrationSha(),
                    bed.calibrationSha(), qat, int4, bed.calibrationSha()));
            got = JsonSerde.read(TestKafka.readUntil(List.of(Topics.EVAL_RESULTS), r -> r.key().startsWith(jobId), rs -> !rs.isEmpty(), WAIT)
                    .get(0).value(), CandidateEvaluated.class);
            steps = TestKafka.readUntil(List.of(Topics.JOB_EVENTS), r -> r.key().equals(jobId) && qatStep(r) != null,
                    rs -> rs.stream().anyMatch(r -> qatStep(r).done() == 5), WAIT).stream().map(EvaluatorTest::qatStep).toList();
        }
        Candidate c = got.candidate();
        SearchSession inProcess = new SearchSession(SearchRequest.from(SPEC, MNIST.resolve("resnet8_bn.onnx"),
                MNIST.resolve("mnist_calib.npz"), MNIST.resolve("mnist_calib.npz")), RUNTIME, (st, d, t) -> { });
        assertEquals(inProcess.evaluate(int4.plan()), c.ptqMetric(), 1e-9, "the PTQ metric as a PTQ job measures it");
        assertNotNull(c.qatMetric());
        assertEquals(c.qatMetric(), c.metric(), 1e-12);
        assertEquals(5, c.qat().steps());
        assertTrue(!steps.isEmpty() && steps.get(steps.size() - 1).done() == 5, "training steps reach the job's progress: " + steps);
        byte[] uploaded = bed.api().stored(got.artifactSha256());
        assertNotNull(uploaded);
        assertEquals(c.exportedBytes(), (long) uploaded.length);
        assertTrue(!java.util.Arrays.equals(inProcess.validationEvaluator().export(int4.plan()).bytes(), uploaded),
                "the shipped export is the tuned model's, not the PTQ one");
    }

    /** A job event if it is a progress step of QAT training. */
    private static JobEvent.Progress qatStep(ConsumerRecord<String, byte[]> r) {
        return JsonSerde.read(r.value(), JobEvent.class) instanceof JobEvent.Progress p && p.stage().endsWith(": qat") ? p : null;
    }

    @Test
    void aQatCandidateWithoutTrainingDataFailsTheJobSayingSo() throws Exception {
        String topic = TestKafka.topic("qat-nodata");
        String jobId = "job-" + UUID.randomUUID();
        bed.api().job(jobId, JobState.EVALUATING, List.of());
        JobSpec qat = SPEC.withQat(null, 5, null);
        try (Evaluator e = evaluator(topic)) {
            request(topic, jobId, qat, new CandidateProposal("int8", CandidateKind.BASELINE_INT8, QuantPlan.uniform(8, 8), 0, 0));
            List<ConsumerRecord<String, byte[]>> events = TestKafka.readUntil(List.of(Topics.JOB_EVENTS), r -> r.key().equals(jobId),
                    rs -> !rs.isEmpty(), WAIT);
            JobEvent first = JsonSerde.read(events.get(0).value(), JobEvent.class);
            assertEquals(JobEvent.Type.FAILED, first.type());
            assertEquals(CandidateEvaluationHandler.QAT_WITHOUT_TRAIN_DATA, ((JobEvent.Failed) first).message());
            assertEquals(1, TestKafka.readUntil(List.of(topic + ".dlq"), r -> true, rs -> !rs.isEmpty(), WAIT).size());
        }
        assertTrue(TestKafka.readUntil(List.of(Topics.EVAL_RESULTS), r -> r.key().startsWith(jobId), rs -> false, Duration.ofMillis(500)).isEmpty());
    }

    @Test
    void candidateIdsNameTheirJob() {
        assertEquals("job-1", CandidateEvaluationHandler.jobOf("job-1:plan-3"));
    }
}
