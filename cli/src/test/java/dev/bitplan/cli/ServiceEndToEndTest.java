package dev.bitplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchReport;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.engine.eval.ProgressListener;
import dev.bitplan.engine.runtime.RuntimeOptions;
import dev.bitplan.messaging.JsonSerde;
import dev.bitplan.messaging.KafkaSettings;
import dev.bitplan.messaging.TopicSetup;
import dev.bitplan.search.PlanSearch;
import dev.bitplan.search.SearchRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service end to end, every part real: the stack {@code bitplan up} starts (embedded PostgreSQL, in-JVM Kafka,
 * the packaged api, two search workers and two evaluators as child JVMs), driven over REST like a user would.
 */
class ServiceEndToEndTest {

    private static final Path SAMPLES = StackLayout.repoRoot().resolve("samples/mnist");
    private static final Path MODEL = SAMPLES.resolve("resnet8_bn.onnx");
    private static final Path DATA = SAMPLES.resolve("mnist_test.npz");
    private static final Path CALIBRATION = SAMPLES.resolve("mnist_calib.npz");

    @TempDir
    static Path dir;
    private static LocalStack stack;
    /** The evaluators' consumer group ({@code evaluator.Evaluator.GROUP}; the cli does not depend on the app). */
    private static final String EVALUATOR_GROUP = "bitplan-evaluators";

    private static JobClient client;
    private static String token;
    private static String modelVersion;
    private static String dataset;
    private static String calibration;

    @BeforeAll
    static void startStack() {
        // no supervision here: the killed worker must stay dead for its job to move to the other one
        LocalStack.Settings settings = new LocalStack.Settings(dir.resolve("stack"), 0, 0, 0, 2, 2, Duration.ofSeconds(180),
                Duration.ofSeconds(10), false);
        stack = LocalStack.start(StackLayout.repoRoot(), settings, System.err::println);
        token = LocalTenant.ensure(stack, dir.resolve("stack"), System.err);
        client = new JobClient(new ApiClient(stack.url(), token));
        modelVersion = client.uploadModel(MODEL, "resnet8_bn").path("versionId").asText();
        dataset = client.uploadDataset(DATA, "mnist_test").path("id").asText();
        calibration = client.uploadDataset(CALIBRATION, "mnist_calib").path("id").asText();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    private static JobSpec spec(int sensitivitySamples, long seed) {
        return new JobSpec(null, null, new SearchBudgets(null, 0.3, null, null, null, null),
                new SearchSpace(List.of(4, 8), List.of(8), false, false, false), null, 3, seed, 128, sensitivitySamples, 5, null);
    }

    @Test
    void aJobGivesTheCandidatesOfAnInProcessSearchAndADownloadableRecommendation() throws Exception {
        JobSpec spec = spec(128, 3);
        JsonNode submitted = client.submit(modelVersion, dataset, calibration, spec);
        String id = submitted.path("id").asText();
        JsonNode done = client.await(id, System.err, 300_000);
        assertEquals(JobState.DONE, JobClient.state(done), done.toString());

        SearchReport service = client.report(id);
        PlanSearch local = new PlanSearch(SearchRequest.from(spec, MODEL, DATA, CALIBRATION), RuntimeOptions.defaults(), ProgressListener.NONE);
        SearchReport inProcess = local.run();

        assertEquals(ids(inProcess.candidates()), ids(service.candidates()));
        for (int i = 0; i < service.candidates().size(); i++) {
            Candidate s = service.candidates().get(i);
            Candidate p = inProcess.candidates().get(i);
            assertEquals(p.plan(), s.plan(), s.id());
            assertEquals(p.metric(), s.metric(), 1e-9, s.id());
            assertEquals(p.deployedMetric(), s.deployedMetric(), 1e-9, s.id());
            assertEquals(p.sizeBytes(), s.sizeBytes(), s.id());
            assertEquals(p.exportedBytes(), s.exportedBytes(), s.id());
            assertEquals(p.bops(), s.bops(), s.id());
        }
        assertNotNull(service.recommended(), service.recommendation());
        assertEquals(inProcess.recommended(), service.recommended());
        assertEquals(inProcess.layers().size(), service.layers().size());

        JsonNode pareto = client.api().get("/api/jobs/" + id + "/pareto");
        assertTrue(pareto.size() >= 1);
        Set<String> front = service.candidates().stream().filter(Candidate::onFront).map(Candidate::id).collect(Collectors.toSet());
        for (JsonNode c : pareto) {
            assertTrue(front.contains(c.path("id").asText()), c.toString());
        }

        Path downloaded = dir.resolve("recommended.onnx");
        client.api().download("/api/candidates/" + id + ":" + service.recommended() + "/model", downloaded);
        assertEquals(Sha256.of(local.exported(service.recommended()).bytes()), Sha256.of(Files.readAllBytes(downloaded)),
                "the service's deployable model is byte for byte the in-process export");

        // both evaluators share the work: each owns partitions of the requests' topic, and each candidate was measured
        // by the owner of its key's partition (which candidates land where depends on the random job id, so a job's
        // few candidates may all fall to one evaluator: the assignment, not the count, is what can be asserted)
        Map<Integer, String> owners = evaluatorPartitions();
        assertEquals(Set.of("evaluator-1", "evaluator-2"), Set.copyOf(owners.values()), "owners of the partitions: " + owners);
        List<CandidateEvaluated> results = records(Topics.EVAL_RESULTS, CandidateEvaluated.class, e -> e.jobId().equals(id));
        assertEquals(service.candidates().size(), results.size());
        for (CandidateEvaluated r : results) {
            int partition = Utils.toPositive(Utils.murmur2(r.candidateId().getBytes(StandardCharsets.UTF_8))) % owners.size();
            assertEquals(owners.get(partition), r.worker(), r.candidateId() + " (partition " + partition + ")");
        }
    }

    @Test
    void aResultDeliveredTwiceIsOneCandidate() throws Exception {
        String id = client.submit(modelVersion, dataset, calibration, spec(64, 4)).path("id").asText();
        assertEquals(JobState.DONE, JobClient.state(client.await(id, System.err, 300_000)));
        int before = client.api().get("/api/jobs/" + id + "/candidates").size();
        List<CandidateEvaluated> results = records(Topics.EVAL_RESULTS, CandidateEvaluated.class, e -> e.jobId().equals(id));
        try (var producer = new KafkaProducer<String, byte[]>(KafkaSettings.producer("localhost:" + stack.kafkaPort(), "test-replay"))) {
            for (CandidateEvaluated r : results) {
                producer.send(new ProducerRecord<>(Topics.EVAL_RESULTS, r.candidateId(), JsonSerde.write(r))).get();
            }
        }
        awaitApiConsumed(Topics.EVAL_RESULTS);
        JsonNode after = client.api().get("/api/jobs/" + id + "/candidates");
        assertEquals(before, after.size());
        JsonNode job = client.job(id);
        assertEquals(JobState.DONE, JobClient.state(job));
        assertEquals(job.path("candidatesExpected").asInt(), job.path("candidatesDone").asInt(), job.toString());
        assertEquals(before, new java.util.HashSet<>(ids(after)).size(), "candidate ids are unique");
    }

    @Test
    void aWorkerKilledDuringSensitivityHandsTheJobToAnotherWhichResumes() throws Exception {
        String id = client.submit(modelVersion, dataset, calibration, spec(1024, 5)).path("id").asText();
        long deadline = System.currentTimeMillis() + 120_000;
        while (client.api().get("/api/jobs/" + id + "/sensitivity").size() < 3) {
            if (System.currentTimeMillis() > deadline) {
                fail("no layer measured in time: " + client.job(id));
            }
            Thread.sleep(100);
        }
        String worker = records(Topics.JOB_EVENTS, JobEvent.class, e -> e.jobId().equals(id) && e.type() == JobEvent.Type.LAYER)
                .get(0).worker();
        AppProcess victim = stack.apps().stream().filter(a -> a.name().equals(worker)).findFirst()
                .orElseThrow(() -> new AssertionError("no process named " + worker + " among " + stack.apps()));
        int measuredBefore = client.api().get("/api/jobs/" + id + "/sensitivity").size();
        victim.handle().destroyForcibly(); // SIGKILL: no shutdown hook, no commit
        assertFalse(victim.handle().onExit().get().isAlive());

        JsonNode done = client.await(id, System.err, 300_000);
        assertEquals(JobState.DONE, JobClient.state(done), done.toString());

        List<JobEvent.LayerMeasured> layers = records(Topics.JOB_EVENTS, JobEvent.class, e -> e.jobId().equals(id) && e.type() == JobEvent.Type.LAYER)
                .stream().map(JobEvent.LayerMeasured.class::cast).toList();
        Map<String, Integer> perLayer = new HashMap<>();
        layers.forEach(e -> perLayer.merge(e.layer().layer(), 1, Integer::sum));
        SearchReport report = client.report(id);
        assertEquals(report.layers().size(), perLayer.size(), "every layer measured");
        perLayer.forEach((layer, n) -> assertEquals(1, n, layer + " measured " + n + " times"));
        Set<String> workers = layers.stream().map(JobEvent::worker).collect(Collectors.toSet());
        assertEquals(2, workers.size(), "layers measured by the killed worker and by its successor: " + workers);
        assertTrue(layers.stream().filter(e -> e.worker().equals(worker)).count() >= measuredBefore);

        JsonNode candidates = client.api().get("/api/jobs/" + id + "/candidates");
        assertEquals(report.candidates().size(), candidates.size());
        assertEquals(candidates.size(), new java.util.HashSet<>(ids(candidates)).size(), "no duplicate candidates");
    }

    /** Waits until the api's consumer group has committed everything on the topic so far. */
    private static void awaitApiConsumed(String topic) throws Exception {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", "localhost:" + stack.kafkaPort()))) {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(p, org.apache.kafka.clients.admin.OffsetSpec.latest()));
            var end = admin.listOffsets(latest).all().get();
            long deadline = System.currentTimeMillis() + 60_000;
            while (true) {
                var committed = admin.listConsumerGroupOffsets("bitplan-api").partitionsToOffsetAndMetadata().get();
                boolean all = partitions.stream().allMatch(p -> end.get(p).offset() == 0
                        || committed.get(p) != null && committed.get(p).offset() >= end.get(p).offset());
                if (all) {
                    return;
                }
                if (System.currentTimeMillis() > deadline) {
                    fail("the api did not consume " + topic + " up to " + end + "; committed " + committed);
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void theCommandLineClientSubmitsWaitsReportsAndFetches() throws Exception {
        String[] target = {"--url", stack.url(), "--token", token};
        Cli.Run submit = Cli.run(concat(new String[] {"submit", "--model", MODEL.toString(), "--data", DATA.toString(), "--calibration-data",
                CALIBRATION.toString(), "--max-size-ratio", "0.3", "--candidates", "2", "--calibration-samples", "64",
                "--sensitivity-samples", "64", "--latency-runs", "3", "--fused-only", "--seed", "6", "--wait", "--json"}, target));
        assertEquals(0, submit.exit(), submit.err());
        JsonNode printed = dev.bitplan.contracts.json.Json.mapper().readTree(submit.out());
        assertEquals("DONE", printed.at("/job/state").asText());
        SearchReport report = dev.bitplan.contracts.json.Json.read(printed.get("report").toString(), SearchReport.class);
        assertEquals("accuracy", report.metricName());
        String id = printed.at("/job/id").asText();

        Cli.Run status = Cli.run(concat(new String[] {"status", id, "--json"}, target));
        assertEquals(0, status.exit(), status.err());
        assertEquals("DONE", dev.bitplan.contracts.json.Json.mapper().readTree(status.out()).path("state").asText());

        Path out = dir.resolve("fetched");
        Cli.Run fetch = Cli.run(concat(new String[] {"fetch", id, "--out", out.toString()}, target));
        assertEquals(0, fetch.exit(), fetch.err());
        assertEquals(report, dev.bitplan.contracts.json.Json.read(out.resolve("report.json"), SearchReport.class));
        assertTrue(Files.isRegularFile(out.resolve("pareto.json")));
        for (Candidate c : report.candidates()) {
            dev.bitplan.engine.onnx.ModelLoader.load(out.resolve("candidates").resolve(c.id() + ".onnx")); // a loadable model each
        }
        if (report.recommended() != null) {
            assertTrue(Files.size(out.resolve("recommended.onnx")) > 0);
        }

        Cli.Run unknown = Cli.run(concat(new String[] {"status", "no-such-job"}, target));
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("no job 'no-such-job'"), unknown.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static List<String> ids(List<Candidate> candidates) {
        return candidates.stream().map(Candidate::id).toList();
    }

    private static List<String> ids(JsonNode candidates) {
        List<String> out = new ArrayList<>();
        candidates.forEach(c -> out.add(c.path("id").asText()));
        return out;
    }

    /** Which evaluator (by its static member id) owns each partition of the evaluation requests' topic. */
    private static Map<Integer, String> evaluatorPartitions() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + stack.kafkaPort()))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(EVALUATOR_GROUP)).all().get().get(EVALUATOR_GROUP);
            Map<Integer, String> owners = new HashMap<>();
            for (MemberDescription m : group.members()) {
                m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(Topics.EVAL_REQUESTS))
                        .forEach(tp -> owners.put(tp.partition(), m.groupInstanceId().orElse(m.consumerId())));
            }
            assertEquals(TopicSetup.partitions(Topics.EVAL_REQUESTS), owners.size(), "every partition owned: " + owners);
            return owners;
        }
    }

    /** Everything on a topic so far that matches, read from the beginning by a throw-away consumer group. */
    private static <T> List<T> records(String topic, Class<T> type, Predicate<T> keep) {
        return TopicRecords.read("localhost:" + stack.kafkaPort(), topic, type, keep);
    }

}
