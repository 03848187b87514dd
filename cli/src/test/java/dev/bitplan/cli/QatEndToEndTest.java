package dev.bitplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bitplan.contracts.blob.Sha256;
import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.messaging.CandidateEvaluated;
import dev.bitplan.contracts.messaging.JobEvent;
import dev.bitplan.contracts.messaging.Topics;
import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.CandidateKind;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchReport;
import dev.bitplan.contracts.search.SearchSpace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs with method qat through the stack {@code bitplan up} starts (the packaged api, one search worker and one evaluator
 * as child JVMs, embedded PostgreSQL, in-JVM Kafka), on the MNIST sample with a few training steps: a job fine-tunes every
 * quantized candidate; a cancelled job stops its training within a step; a QAT job without training data is refused.
 * The cancellation runs first: the next job finishing on the one evaluator shows that the training really stopped.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QatEndToEndTest {

    private static final Path SAMPLES = StackLayout.repoRoot().resolve("samples/mnist");
    /** The evaluators' consumer group ({@code evaluator.Evaluator.GROUP}; the cli does not depend on the app). */
    private static final String EVALUATOR_GROUP = "bitplan-evaluators";

    @TempDir
    static Path dir;
    private static LocalStack stack;
    private static JobClient client;
    private static String modelVersion;
    private static String calibration;

    @BeforeAll
    static void startStack() {
        LocalStack.Settings settings = new LocalStack.Settings(dir.resolve("stack"), 0, 0, 0, 1, 1, Duration.ofSeconds(180),
                Duration.ofSeconds(10), false);
        stack = LocalStack.start(StackLayout.repoRoot(), settings, System.err::println);
        client = new JobClient(new ApiClient(stack.url(), LocalTenant.ensure(stack, dir.resolve("stack"), System.err)));
        modelVersion = client.uploadModel(SAMPLES.resolve("resnet8_bn.onnx"), "resnet8_bn").path("versionId").asText();
        calibration = client.uploadDataset(SAMPLES.resolve("mnist_calib.npz"), "mnist_calib").path("id").asText();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * A small MNIST search, kept fast: the digits' calibration file (256) is the dataset, the calibration set and the training
     * set (a few steps show the wiring, not QAT's gains: those are in docs/BENCHMARKS.md), so 192 samples validate.
     */
    private static JobSpec spec(int candidates, Integer qatSteps) {
        return new JobSpec(null, null, new SearchBudgets(null, 0.3, null, null, null, null),
                new SearchSpace(List.of(4, 8), List.of(8), false, false, false), null, candidates, 11L, 64, 64, 3, null)
                .withQat(calibration, qatSteps, null);
    }

    @Test
    @Order(1)
    void aQatJobWithoutTrainingDataIsRefusedNamingTheField() {
        JobSpec noData = spec(1, 3).withQat(null, 3, null);
        ApiException e = assertThrows(ApiException.class, () -> client.submit(modelVersion, calibration, calibration, noData));
        assertEquals(422, e.status());
        assertEquals("spec.trainData", e.field());
    }

    @Test
    @Order(2)
    void cancellingAJobWhileTheEvaluatorTrainsStopsTheTrainingWithinAStep() throws Exception {
        String id = client.submit(modelVersion, calibration, calibration, spec(1, 100_000)).path("id").asText();
        long deadline = System.currentTimeMillis() + 120_000;
        while (!client.job(id).path("stage").asText().endsWith(": qat") || client.job(id).path("progress").path("done").asInt() < 2) {
            if (System.currentTimeMillis() > deadline) {
                fail("the evaluator did not start training in time: " + client.job(id));
            }
            Thread.sleep(100);
        }
        long cancelledAt = System.currentTimeMillis();
        client.api().delete("/api/jobs/" + id);
        awaitEvaluatorsCaughtUp(Duration.ofSeconds(30)); // the cancelled work ends and its message is committed, not retried
        long stoppedWithin = System.currentTimeMillis() - cancelledAt;

        List<JobEvent.Progress> steps = TopicRecords.read(bootstrap(), Topics.JOB_EVENTS, JobEvent.class,
                        e -> e.jobId().equals(id) && e instanceof JobEvent.Progress p && p.stage().endsWith(": qat")).stream()
                .map(JobEvent.Progress.class::cast).sorted(Comparator.comparingLong(JobEvent.Progress::atMillis)).toList();
        JobEvent.Progress last = steps.get(steps.size() - 1);
        System.err.printf("qat cancel: the evaluator stopped %d ms after the cancel, at step %d of %d (progress is sent at most once a "
                + "second)%n", stoppedWithin, last.done(), last.total());
        // progress passes at most once a second: training that went on would have reported again after the cancel
        assertTrue(last.atMillis() < cancelledAt + 3_000, "a training step reported " + (last.atMillis() - cancelledAt) + " ms after the cancel");
        assertTrue(last.done() < 100_000);
        assertEquals(JobState.CANCELLED, JobClient.state(client.job(id)));
        assertTrue(TopicRecords.read(bootstrap(), Topics.EVAL_RESULTS, CandidateEvaluated.class, r -> r.jobId().equals(id))
                .stream().noneMatch(r -> r.candidate().kind() != CandidateKind.BASELINE_FP32), "no tuned candidate of the cancelled job");
    }

    @Test
    @Order(3)
    void aQatJobFineTunesEveryQuantizedCandidateAndReportsBothMetrics() throws Exception {
        long t0 = System.nanoTime();
        // with learned activation ranges: the job's spec reaches the evaluators' training
        String id = client.submit(modelVersion, calibration, calibration, spec(2, 4).withQatLearnRanges(true)).path("id").asText();
        JsonNode done = client.await(id, System.err, 240_000);
        assertEquals(JobState.DONE, JobClient.state(done), done.toString());
        SearchReport report = client.report(id);
        System.err.printf("qat job: %.1f s for %d candidates%n", (System.nanoTime() - t0) / 1e9, report.candidates().size());
        for (Candidate c : report.candidates()) {
            if (c.kind() == CandidateKind.BASELINE_FP32) {
                continue;
            }
            assertNotNull(c.ptqMetric(), c.id());
            assertNotNull(c.qatMetric(), c.id() + ": " + c.qat());
            assertEquals(c.qatMetric(), c.metric(), 1e-12, c.id());
            assertEquals(4, c.qat().steps(), c.id());
            assertTrue(c.qat().rangesLearned() >= 9, c.id() + " learned the ranges of the static 8-bit activations: " + c.qat());
            System.err.printf("qat job: %s PTQ %.4f -> QAT %.4f (deployed %.4f)%n", c.id(), c.ptqMetric(), c.qatMetric(), c.deployedMetric());
        }
        double best = report.candidates().stream().filter(Candidate::withinBudgets).mapToDouble(Candidate::qatMetric).max().orElseThrow();
        Candidate recommended = report.candidates().stream().filter(c -> c.id().equals(report.recommended())).findFirst().orElseThrow();
        assertEquals(best, recommended.qatMetric(), 1e-12, report.recommendation());
        assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("QAT: ")), report.notes().toString());

        // the model a user downloads is the tuned export the evaluator uploaded
        Path downloaded = dir.resolve("recommended.onnx");
        client.api().download("/api/candidates/" + id + ":" + report.recommended() + "/model", downloaded);
        CandidateEvaluated result = TopicRecords.read(bootstrap(), Topics.EVAL_RESULTS, CandidateEvaluated.class,
                r -> r.candidateId().equals(id + ":" + report.recommended())).get(0);
        assertEquals(result.artifactSha256(), Sha256.of(Files.readAllBytes(downloaded)));
        assertEquals(recommended.exportedBytes(), Files.size(downloaded));
    }

    private static String bootstrap() {
        return "localhost:" + stack.kafkaPort();
    }

    /** Waits until the evaluators have committed every evaluation request sent so far. */
    private static void awaitEvaluatorsCaughtUp(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(EVALUATOR_GROUP)
                        .partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                admin.describeTopics(List.of(Topics.EVAL_REQUESTS)).allTopicNames().get().get(Topics.EVAL_REQUESTS).partitions()
                        .forEach(p -> latest.put(new TopicPartition(Topics.EVAL_REQUESTS, p.partition()), OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get();
                boolean caughtUp = ends.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
                        || committed.containsKey(e.getKey()) && committed.get(e.getKey()).offset() >= e.getValue().offset());
                if (caughtUp) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    fail("the evaluator did not finish its requests: committed " + committed + ", ends " + ends);
                }
                Thread.sleep(100);
            }
        }
    }
}
