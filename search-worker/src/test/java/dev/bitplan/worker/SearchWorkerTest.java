package dev.bitplan.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.messaging.EvaluateCandidate;
import dev.bitplan.contracts.messaging.JobControl;
import dev.bitplan.contracts.messaging.JobEvent;
import dev.bitplan.contracts.messaging.SearchRequested;
import dev.bitplan.contracts.messaging.Topics;
import dev.bitplan.contracts.search.CandidateProposal;
import dev.bitplan.contracts.search.LayerSensitivity;
import dev.bitplan.contracts.search.SearchProfile;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.messaging.DeadLetterHeaders;
import dev.bitplan.messaging.JsonSerde;
import dev.bitplan.messaging.testing.TestKafka;
import dev.bitplan.messaging.testing.WorkerTestBed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The search worker end to end on a real broker, real MNIST files and an HTTP stand-in for the api. */
class SearchWorkerTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Small settings so that a whole search takes seconds. */
    static final JobSpec SPEC = new JobSpec(null, null, null, null, null, 2, 7L, 64, 64, 3, null);

    @RegisterExtension
    static final WorkerTestBed bed = new WorkerTestBed();

    @TempDir
    static Path cache;

    private static SearchWorker worker(String topic) {
        return new SearchWorker(bed.settings("sw-", cache), new RuntimeOptions(2, true), topic, "g-" + topic);
    }

    private static String submit(String topic, String jobId, String model) {
        bed.publisher().sendAndFlush(topic, jobId,
                new SearchRequested(jobId, model, "resnet8_bn.onnx", bed.dataSha(), "mnist_test.npz", bed.calibrationSha(), SPEC));
        return jobId;
    }

    private static List<JobEvent> events(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().filter(r -> r.topic().equals(Topics.JOB_EVENTS)).map(r -> JsonSerde.read(r.value(), JobEvent.class)).toList();
    }

    private static List<EvaluateCandidate> evaluations(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().filter(r -> r.topic().equals(Topics.EVAL_REQUESTS)).map(r -> JsonSerde.read(r.value(), EvaluateCandidate.class)).toList();
    }

    /** Everything published for a job until its search ended (EVALUATING, FAILED) or {@code extra} says so. */
    private static List<ConsumerRecord<String, byte[]>> recordsOf(String jobId) {
        return TestKafka.readUntil(List.of(Topics.JOB_EVENTS, Topics.EVAL_REQUESTS), r -> r.key().startsWith(jobId),
                rs -> events(rs).stream().anyMatch(e -> stateEntered(e) == JobState.EVALUATING || e instanceof JobEvent.Failed), WAIT);
    }

    private static JobState stateEntered(JobEvent e) {
        return e instanceof JobEvent.StateChanged changed ? changed.state() : null;
    }

    private static long count(List<JobEvent> events, JobEvent.Type type) {
        return events.stream().filter(e -> e.type() == type).count();
    }

    @Test
    void searchPublishesEveryLayerTheProfileAndOneEvaluationPerProposalThenResumesFromStoredLayers() throws Exception {
        String topic = TestKafka.topic("search");
        try (SearchWorker w = worker(topic)) {
            String full = "job-" + UUID.randomUUID();
            bed.api().job(full, JobState.QUEUED, List.of());
            submit(topic, full, bed.modelSha());
            List<ConsumerRecord<String, byte[]>> records = recordsOf(full);
            List<JobEvent> events = events(records);
            List<LayerSensitivity> layers = events.stream().filter(JobEvent.LayerMeasured.class::isInstance).map(e -> ((JobEvent.LayerMeasured) e).layer()).toList();
            assertEquals(10, layers.size(), "resnet8 has 10 quantizable layers");
            assertEquals(1, count(events, JobEvent.Type.PROFILED));
            assertEquals(JobState.PROFILING, stateEntered(events.get(0)));
            assertTrue(events.stream().anyMatch(e -> stateEntered(e) == JobState.SOLVING));
            assertTrue(count(events, JobEvent.Type.PROGRESS) > 0);
            SearchProfile profile = events.stream().filter(JobEvent.Profiled.class::isInstance).map(e -> ((JobEvent.Profiled) e).profile()).findFirst().orElseThrow();
            assertEquals("resnet8_bn.onnx", profile.inputs().model());
            assertEquals("mnist_test.npz", profile.inputs().data());
            List<EvaluateCandidate> evals = evaluations(records);
            // keyed by candidate, the requests spread over the topic's partitions and are read back in no set order
            assertEquals(byId(profile.proposals()), byId(evals.stream().map(EvaluateCandidate::proposal).toList()));
            for (EvaluateCandidate e : evals) {
                assertEquals(full + ":" + e.proposal().id(), e.candidateId());
                assertEquals(bed.modelSha(), e.modelSha256());
                assertEquals(bed.calibrationSha(), e.calibrationDataSha256());
            }

            // a second worker resumes a job whose first half of layers is stored
            String resumed = "job-" + UUID.randomUUID();
            bed.api().job(resumed, JobState.PROFILING, layers.subList(0, 5));
            submit(topic, resumed, bed.modelSha());
            List<JobEvent> again = events(recordsOf(resumed));
            List<String> measuredAgain = again.stream().filter(JobEvent.LayerMeasured.class::isInstance).map(e -> ((JobEvent.LayerMeasured) e).layer().layer()).toList();
            assertEquals(layers.subList(5, 10).stream().map(LayerSensitivity::layer).toList(), measuredAgain);
            assertTrue(again.stream().anyMatch(e -> e instanceof JobEvent.Log log && log.message().contains("with 5 of 10 layers already measured")),
                    "the job's events say that it was resumed");
            SearchProfile resumedProfile = again.stream().filter(JobEvent.Profiled.class::isInstance).map(e -> ((JobEvent.Profiled) e).profile()).findFirst().orElseThrow();
            assertEquals(plans(profile.proposals()), plans(resumedProfile.proposals()));
            assertEquals(profile.layers().stream().map(l -> l.options().stream().map(o -> o.sensitivity()).toList()).toList(),
                    resumedProfile.layers().stream().map(l -> l.options().stream().map(o -> o.sensitivity()).toList()).toList());
        }
    }

    private static List<CandidateProposal> byId(List<CandidateProposal> proposals) {
        return proposals.stream().sorted(Comparator.comparing(CandidateProposal::id)).toList();
    }

    private static List<String> plans(List<CandidateProposal> proposals) {
        return proposals.stream().map(p -> p.id() + "=" + p.plan()).toList();
    }

    @Test
    void aSecondSendOfTheSameSearchRequestIsSkippedNotSearchedAgain() throws Exception {
        String topic = TestKafka.topic("twice");
        try (SearchWorker w = worker(topic)) {
            String jobId = "job-" + UUID.randomUUID();
            bed.api().job(jobId, JobState.QUEUED, List.of()); // the api still says QUEUED: only the claim tells the copies apart
            submit(topic, jobId, bed.modelSha());
            submit(topic, jobId, bed.modelSha()); // the outbox relay's double send: the same message, a second record
            List<ConsumerRecord<String, byte[]>> records = TestKafka.readUntil(List.of(Topics.JOB_EVENTS, Topics.EVAL_REQUESTS),
                    r -> r.key().startsWith(jobId), rs -> events(rs).stream().anyMatch(e -> e instanceof JobEvent.Log log
                            && log.message().contains("was skipped")), WAIT);
            List<JobEvent> events = events(records);
            JobEvent.Log skipped = events.stream().filter(JobEvent.Log.class::isInstance).map(JobEvent.Log.class::cast)
                    .filter(l -> l.message().contains("was skipped")).findFirst().orElseThrow();
            assertTrue(skipped.message().matches("a second search request for this job \\(" + topic + "-0@1\\) was skipped: "
                    + topic + "-0@0 took the job up"), skipped.message());
            assertEquals(1, count(events, JobEvent.Type.PROFILED), "searched once");
            assertEquals(10, count(events, JobEvent.Type.LAYER), "every layer measured once");
            SearchProfile profile = events.stream().filter(JobEvent.Profiled.class::isInstance).map(e -> ((JobEvent.Profiled) e).profile()).findFirst().orElseThrow();
            assertEquals(profile.proposals().size(), evaluations(records).size(), "one evaluation request per candidate");
        }
    }

    @Test
    void corruptModelFailsTheJobOnceWithTheReasonAndDeadLettersTheRequest() throws Exception {
        String topic = TestKafka.topic("corrupt");
        String broken = bed.api().blob("this is a text file, not a model".getBytes(StandardCharsets.UTF_8));
        String jobId = "job-" + UUID.randomUUID();
        bed.api().job(jobId, JobState.QUEUED, List.of());
        try (SearchWorker w = worker(topic)) {
            submit(topic, jobId, broken);
            List<JobEvent> events = events(recordsOf(jobId));
            JobEvent last = events.get(events.size() - 1);
            assertEquals(JobEvent.Type.FAILED, last.type());
            JobEvent.Failed failed = (JobEvent.Failed) last;
            assertTrue(failed.message().startsWith("model 'resnet8_bn.onnx' is not an ONNX model"), failed.message());
            assertEquals(0, count(events, JobEvent.Type.LAYER));
            List<ConsumerRecord<String, byte[]>> dlq = TestKafka.readUntil(List.of(topic + ".dlq"), r -> true, rs -> !rs.isEmpty(), WAIT);
            assertEquals(jobId, dlq.get(0).key());
            assertEquals("1", new String(dlq.get(0).headers().lastHeader(DeadLetterHeaders.ATTEMPTS).value(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void cancelledJobStopsMidSensitivityAndAJobCancelledBeforeItStartsIsSkipped() throws Exception {
        String topic = TestKafka.topic("cancel");
        try (SearchWorker w = worker(topic)) {
            assertTrue(w.services().cancellations().awaitReady(WAIT));
            String skipped = "job-" + UUID.randomUUID();
            bed.api().job(skipped, JobState.CANCELLED, List.of());
            submit(topic, skipped, bed.modelSha());

            String jobId = "job-" + UUID.randomUUID();
            bed.api().job(jobId, JobState.QUEUED, List.of());
            submit(topic, jobId, bed.modelSha());
            TestKafka.readUntil(List.of(Topics.JOB_EVENTS), r -> r.key().equals(jobId),
                    rs -> events(rs).stream().anyMatch(e -> e.type() == JobEvent.Type.LAYER), WAIT);
            bed.publisher().sendAndFlush(Topics.JOB_CONTROL, jobId, new JobControl(jobId, JobControl.Action.CANCEL));

            // the worker is free again: a next job runs to its end
            String next = "job-" + UUID.randomUUID();
            bed.api().job(next, JobState.QUEUED, List.of());
            submit(topic, next, bed.modelSha());
            assertEquals(1, count(events(recordsOf(next)), JobEvent.Type.PROFILED));

            List<JobEvent> cancelled = events(TestKafka.readUntil(List.of(Topics.JOB_EVENTS), r -> r.key().equals(jobId), rs -> false,
                    Duration.ofSeconds(1)));
            assertTrue(count(cancelled, JobEvent.Type.LAYER) < 10, "stopped before measuring every layer");
            assertEquals(0, count(cancelled, JobEvent.Type.PROFILED));
            assertEquals(0, count(cancelled, JobEvent.Type.FAILED));
            assertFalse(TestKafka.readUntil(List.of(Topics.JOB_EVENTS), r -> r.key().equals(skipped), rs -> false, Duration.ofMillis(500))
                    .iterator().hasNext(), "a job cancelled before it started publishes nothing");
        }
    }
}
