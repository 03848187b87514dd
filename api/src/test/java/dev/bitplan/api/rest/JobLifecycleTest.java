package dev.bitplan.api.rest;

import static dev.bitplan.api.support.TestApi.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.api.service.JobEvents;
import dev.bitplan.api.support.ApiTestResources;
import dev.bitplan.api.support.TestApi;
import dev.bitplan.api.support.TestFiles;
import dev.bitplan.contracts.blob.Sha256;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.messaging.CandidateEvaluated;
import dev.bitplan.contracts.messaging.JobEvent;
import dev.bitplan.contracts.messaging.Topics;
import dev.bitplan.contracts.plan.QuantizationOptions;
import dev.bitplan.contracts.search.Candidate;
import dev.bitplan.contracts.search.CandidateKind;
import dev.bitplan.contracts.search.CandidateProposal;
import dev.bitplan.contracts.search.LayerSensitivity;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchProfile;
import dev.bitplan.contracts.search.SearchReport;
import dev.bitplan.contracts.search.SearchSpace;
import dev.bitplan.messaging.JsonSerde;
import dev.bitplan.messaging.KafkaSettings;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Publishes job events and evaluation results on the real broker, as the workers would (hand-made but consistent
 * values), and checks what the api makes of them: states, sensitivity, candidates, the report, idempotency, tenancy.
 */
@QuarkusTest
class JobLifecycleTest {

    private static KafkaProducer<String, byte[]> producer;

    @Inject
    JobEvents events;

    @Inject
    jakarta.persistence.EntityManager em;

    @BeforeAll
    static void producer() {
        producer = new KafkaProducer<>(KafkaSettings.producer(ApiTestResources.bootstrap, "test-worker"));
    }

    @AfterAll
    static void close() {
        producer.close();
    }

    @Test
    void workerMessagesTakeAJobToDoneWithAReport() throws Exception {
        String[] t = TestApi.tenantWithMnist();
        String token = t[0];
        String jobId = TestApi.submit(token, TestApi.smallJob(t[1], t[2], "{\"maxSizeRatio\":0.5}")).then().statusCode(202)
                .extract().path("id");

        event(JobEvent.state(jobId, JobState.PROFILING, "started", "w1"));
        event(JobEvent.progress(jobId, "sensitivity", 1, 10, "w1"));
        event(JobEvent.layer(jobId, new LayerSensitivity("conv1", List.of()), "w1"));
        event(JobEvent.layer(jobId, new LayerSensitivity("conv1", List.of()), "w2")); // redelivered: still one row
        event(JobEvent.layer(jobId, new LayerSensitivity("conv2", List.of()), "w1"));
        event(JobEvent.progress(jobId, "sensitivity", 2, 10, "w1"));
        event(JobEvent.state(jobId, JobState.SOLVING, null, "w1"));
        awaitState(token, jobId, "SOLVING");
        as(token).get("/api/jobs/" + jobId + "/sensitivity").then().statusCode(200).body("", hasSize(2))
                .body("layer", equalTo(List.of("conv1", "conv2")));
        as(token).get("/api/jobs/" + jobId).then().body("stage", equalTo("sensitivity")).body("progress.done", equalTo(2))
                .body("progress.total", equalTo(10));

        byte[] int8 = TestFiles.mnistModelVariant("int8-artifact");
        byte[] int4 = TestFiles.mnistModelVariant("int4-artifact");
        // a result may arrive before the profile: it is stored and counted when the profile comes
        result(jobId, candidate("int8", CandidateKind.BASELINE_INT8, 0.985, 80_000), int8);
        event(JobEvent.profiled(jobId, profile(), "w1"));
        awaitState(token, jobId, "EVALUATING");
        result(jobId, candidate("fp32", CandidateKind.BASELINE_FP32, 0.988, 310_000), null);
        result(jobId, candidate("int4", CandidateKind.BASELINE_INT4, 0.980, 42_000), int4);
        result(jobId, candidate("int4", CandidateKind.BASELINE_INT4, 0.980, 42_000), int4); // the same result twice
        awaitState(token, jobId, "DONE");

        as(token).get("/api/jobs/" + jobId).then().body("candidatesExpected", equalTo(3)).body("candidatesDone", equalTo(3))
                .body("percent", equalTo(100)).body("recommended", equalTo(jobId + ":int8"));
        as(token).get("/api/jobs/" + jobId + "/candidates").then().statusCode(200).body("", hasSize(3));
        Response report = as(token).get("/api/jobs/" + jobId + "/report");
        report.then().statusCode(200).body("recommended", equalTo("int8")).body("candidates", hasSize(3))
                .body("candidates.id", equalTo(List.of("fp32", "int8", "int4")));
        SearchReport parsed = dev.bitplan.contracts.json.Json.read(report.asString(), SearchReport.class);
        List<String> front = parsed.candidates().stream().filter(Candidate::onFront).map(Candidate::id).toList();
        as(token).get("/api/jobs/" + jobId + "/pareto").then().statusCode(200).body("id", equalTo(front));
        as(token).get("/api/jobs/" + jobId + "/candidates").then()
                .body("find { it.id == 'int8' }.withinBudgets", equalTo(true))
                .body("find { it.id == 'fp32' }.withinBudgets", equalTo(false));

        byte[] downloaded = as(token).get("/api/candidates/" + jobId + ":int8/model").then().statusCode(200)
                .header("Content-Disposition", equalTo("attachment; filename=\"int8.onnx\"")).extract().asByteArray();
        assertArrayEquals(int8, downloaded);
        assertArrayEquals(TestFiles.mnistModel(), as(token).get("/api/candidates/" + jobId + ":fp32/model").then().statusCode(200)
                .extract().asByteArray(), "the FP32 baseline's model is the upload");

        // workers' view: the stored sensitivity for resume, the files by hash
        as(TestApi.INTERNAL).get("/internal/jobs/" + jobId).then().statusCode(200).body("state", equalTo("DONE"))
                .body("sensitivity", hasSize(2));
        String sha = as(token).get("/api/models/resnet8").path("versions[0].sha256");
        assertArrayEquals(TestFiles.mnistModel(), as(TestApi.INTERNAL).get("/internal/blobs/" + sha).then().statusCode(200)
                .extract().asByteArray());
        as(token).get("/internal/blobs/" + sha).then().statusCode(401);

        // the search claim: the first record holds the job, its redelivery too; a second send of the request does not
        as(TestApi.INTERNAL).contentType("application/json").body(Map.of("record", "search-3@17", "worker", "w1"))
                .post("/internal/jobs/" + jobId + "/search-claim").then().statusCode(200).body("record", equalTo("search-3@17"));
        as(TestApi.INTERNAL).contentType("application/json").body(Map.of("record", "search-3@17", "worker", "w2"))
                .post("/internal/jobs/" + jobId + "/search-claim").then().statusCode(200).body("record", equalTo("search-3@17"));
        as(TestApi.INTERNAL).contentType("application/json").body(Map.of("record", "search-3@18", "worker", "w1"))
                .post("/internal/jobs/" + jobId + "/search-claim").then().statusCode(200).body("record", equalTo("search-3@17"));
        as(TestApi.INTERNAL).contentType("application/json").body(Map.of("worker", "w1"))
                .post("/internal/jobs/" + jobId + "/search-claim").then().statusCode(400).body("detail", containsString("Kafka record"));
        as(TestApi.INTERNAL).contentType("application/json").body(Map.of("record", "search-3@18", "worker", "w1"))
                .post("/internal/jobs/no-such-job/search-claim").then().statusCode(404);

        assertEquals(List.of("w4a8 0.125", "w8a8 0.25"), latencyTable(jobId), "the profile's latency table is stored per option");

        List<String> states = events.of(jobId).stream().filter(e -> e.type() == JobEvent.Type.STATE).map(JobEvents.EventRow::state).toList();
        assertEquals(List.of("QUEUED", "PROFILING", "SOLVING", "EVALUATING", "DONE"), states);

        // events after the end change nothing
        event(JobEvent.failed(jobId, "late failure", "w9"));
        result(jobId, candidate("plan-9", CandidateKind.SOLVER, 0.5, 1000), int4);
        awaitState(token, jobId, "DONE");

        // another tenant sees none of it
        String[] other = TestApi.tenantWithMnist();
        as(other[0]).get("/api/jobs/" + jobId).then().statusCode(404);
        as(other[0]).get("/api/jobs/" + jobId + "/report").then().statusCode(404);
        as(other[0]).get("/api/jobs/" + jobId + "/candidates").then().statusCode(404);
        as(other[0]).get("/api/candidates/" + jobId + ":int8/model").then().statusCode(404);
        as(other[0]).get("/api/datasets/" + t[2]).then().statusCode(404);
        as(other[0]).get("/api/models/resnet8").then().statusCode(200).body("versions[0].versionId", equalTo(other[1]));
        TestApi.submit(other[0], TestApi.smallJob(t[1], other[2], "{}")).then().statusCode(404).body("field", equalTo("modelVersionId"));
        TestApi.submit(other[0], TestApi.smallJob(other[1], t[2], "{}")).then().statusCode(404).body("field", equalTo("datasetId"));
        TestApi.as("").get("/api/jobs/" + jobId).then().statusCode(401);
    }

    @Test
    void failedAndCancelledJobs() throws Exception {
        String[] t = TestApi.tenantWithMnist();
        String failed = TestApi.submit(t[0], TestApi.smallJob(t[1], t[2], "{}")).then().statusCode(202).extract().path("id");
        event(JobEvent.state(failed, JobState.PROFILING, null, "w1"));
        event(JobEvent.failed(failed, "the model's output is not a classifier's: use metric 'cosine'", "w1"));
        awaitState(t[0], failed, "FAILED");
        as(t[0]).get("/api/jobs/" + failed).then().body("error", equalTo("the model's output is not a classifier's: use metric 'cosine'"));

        String cancelled = TestApi.submit(t[0], TestApi.smallJob(t[1], t[2], "{}")).then().statusCode(202).extract().path("id");
        as(t[0]).delete("/api/jobs/" + cancelled).then().statusCode(202).body("state", equalTo("CANCELLED"));
        result(cancelled, candidate("int8", CandidateKind.BASELINE_INT8, 0.9, 1000), null);
        event(JobEvent.state(cancelled, JobState.PROFILING, null, "w1"));
        // nothing observable changes when these are dropped, so give the consumer a moment to (not) apply them
        Thread.sleep(1500);
        as(t[0]).get("/api/jobs/" + cancelled).then().body("state", equalTo("CANCELLED")).body("candidatesDone", equalTo(0));
        as(t[0]).delete("/api/jobs/" + failed).then().statusCode(409);
    }

    @Test
    void aWorkerMessageTheApiCannotReadFailsItsJobAndIsKeptInTheDlq() throws Exception {
        String[] t = TestApi.tenantWithMnist();
        String jobId = TestApi.submit(t[0], TestApi.smallJob(t[1], t[2], "{\"maxSizeRatio\":0.5}")).then().statusCode(202)
                .extract().path("id");
        producer.send(new ProducerRecord<>(Topics.EVAL_RESULTS, jobId + ":plan-1", "{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8))).get();
        awaitState(t[0], jobId, "FAILED");
        as(t[0]).get("/api/jobs/" + jobId).then().body("error", org.hamcrest.Matchers.containsString(Topics.dlq(Topics.EVAL_RESULTS)));
    }

    private List<String> latencyTable(String jobId) {
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                        "SELECT option_label || ' ' || millis FROM latency_table WHERE job_id = ?1 ORDER BY option_label")
                .setParameter(1, jobId).getResultList().stream().map(Object::toString).toList());
    }

    private static SearchProfile profile() {
        List<CandidateProposal> proposals = List.of(new CandidateProposal("fp32", CandidateKind.BASELINE_FP32, null, 0, 1.0),
                new CandidateProposal("int8", CandidateKind.BASELINE_INT8, null, 0.1, 0.6), new CandidateProposal("int4", CandidateKind.BASELINE_INT4, null, 0.5, 0.5));
        return new SearchProfile("accuracy", new SearchReport.Inputs("resnet8", "x", "calib", "y", 32, 32, 192),
                new SearchReport.Settings(QuantizationOptions.defaults(), SearchSpace.defaults(), 3, 7),
                new SearchReport.Fp32(0.988, 310_000, 0, 1_000_000), new SearchBudgets(null, 0.5, null, null, null, null),
                List.of(new dev.bitplan.contracts.search.LayerReport("conv1", "CONV", "Conv", 100, 1000, List.of(
                        new dev.bitplan.contracts.search.LayerReport.OptionReport("w8a8", 100, 0.25, null, 800, null),
                        new dev.bitplan.contracts.search.LayerReport.OptionReport("w4a8", 50, 0.125, null, 400, null)))),
                List.of(), proposals, 0.1, Map.of("sensitivity", 1000L));
    }

    private static Candidate candidate(String id, CandidateKind kind, double metric, long size) {
        return new Candidate(id, kind, null, metric, metric, size, size, 1.0, 1.0, size * 8, 0.1, false, false);
    }

    private static void event(JobEvent e) throws Exception {
        producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, e.jobId(), JsonSerde.write(e))).get();
    }

    private static void result(String jobId, Candidate c, byte[] artifact) throws Exception {
        String id = jobId + ":" + c.id();
        // as an evaluator does: the export into the blob store first, then the result naming it
        CandidateEvaluated r = new CandidateEvaluated(jobId, id, c, artifact == null ? null : TestApi.uploadBlob(artifact), "e1");
        producer.send(new ProducerRecord<>(Topics.EVAL_RESULTS, id, JsonSerde.write(r))).get();
    }

    private static void awaitState(String token, String jobId, String state) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        String now = null;
        while (System.currentTimeMillis() < deadline) {
            now = as(token).get("/api/jobs/" + jobId).path("state");
            if (state.equals(now)) {
                Thread.sleep(300); // let any message sent just before settle too
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + jobId + " is " + now + ", not " + state + ", after 20 s");
    }
}
