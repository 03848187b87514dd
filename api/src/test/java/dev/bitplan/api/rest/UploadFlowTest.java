package dev.bitplan.api.rest;

import static dev.bitplan.api.support.TestApi.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.endsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.bitplan.api.persistence.JobEntity;
import dev.bitplan.api.support.ApiTestResources;
import dev.bitplan.api.support.TestApi;
import dev.bitplan.api.support.TestFiles;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.messaging.SearchRequested;
import dev.bitplan.contracts.messaging.Topics;
import dev.bitplan.messaging.JsonSerde;
import dev.bitplan.messaging.KafkaSettings;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/** Models, versions, datasets and job submission against real PostgreSQL and Kafka. */
@QuarkusTest
@QuarkusTestResource(value = ApiTestResources.class, restrictToAnnotatedClass = false)
class UploadFlowTest {

    @Inject
    EntityManager em;

    @Test
    void modelVersionsAreNumberedAndDuplicatesStoredOnce() {
        String token = TestApi.newTenantToken();
        Response v1 = TestApi.uploadModel(token, "resnet8", TestFiles.mnistModel(), "resnet8_bn.onnx");
        v1.then().statusCode(201).body("name", equalTo("resnet8")).body("version", equalTo(1)).body("layers", equalTo(10))
                .body("params", greaterThan(70_000)).body("inputs[0].name", equalTo("input"));
        String sha = v1.path("sha256");

        // the same bytes again: the existing version (200), not a new one
        String v1Id = v1.path("versionId");
        as(token).multiPart("file", "again.onnx", TestFiles.mnistModel(), "application/octet-stream")
                .post("/api/models/resnet8/versions").then().statusCode(200).body("version", equalTo(1)).body("sha256", equalTo(sha))
                .body("versionId", equalTo(v1Id));
        String v2 = as(token).multiPart("file", "v2.onnx", TestFiles.mnistModelVariant("variant"), "application/octet-stream")
                .post("/api/models/resnet8/versions").then().statusCode(201).body("version", equalTo(2)).extract().path("versionId");
        as(token).multiPart("file", "v3.onnx", TestFiles.mnistModelVariant("variant 3"), "application/octet-stream")
                .post("/api/models/resnet8/versions").then().statusCode(201).body("version", equalTo(3));
        as(token).multiPart("file", "v2-again.onnx", TestFiles.mnistModelVariant("variant"), "application/octet-stream")
                .post("/api/models/resnet8/versions").then().statusCode(200).body("version", equalTo(2));

        long blobs = QuarkusTransaction.requiringNew().call(() ->
                ((Number) em.createNativeQuery("SELECT count(*) FROM blobs WHERE sha256 = ?1").setParameter(1, sha).getSingleResult()).longValue());
        assertEquals(1, blobs);
        long layers = QuarkusTransaction.requiringNew().call(() ->
                ((Number) em.createNativeQuery("SELECT count(*) FROM model_layers l JOIN model_versions v ON v.id = l.model_version_id "
                        + "WHERE v.id IN (?1, ?2) AND l.weights_sha256 IS NOT NULL").setParameter(1, v1Id).setParameter(2, v2)
                        .getSingleResult()).longValue());
        assertEquals(20, layers, "10 layers with weight digests in each of the two versions");

        TestApi.uploadModel(token, "resnet8", TestFiles.mnistModel(), "resnet8_bn.onnx").then().statusCode(409);
        as(token).get("/api/models").then().statusCode(200).body("", hasSize(1)).body("[0].latestVersion", equalTo(3))
                .body("[0].versions", equalTo(3));
        as(token).get("/api/models/resnet8").then().statusCode(200).body("versions", hasSize(3)).body("versions[2].version", equalTo(3));
    }

    @Test
    void datasetUploadDescribesItsArrays() {
        String token = TestApi.newTenantToken();
        String id = TestApi.uploadDataset(token, "calib", TestFiles.mnistCalib(), "mnist_calib.npz").then().statusCode(201)
                .body("samples", equalTo(256)).body("hasLabels", equalTo(true)).body("arrays[0].name", equalTo("input"))
                .body("arrays[0].dtype", equalTo("float32")).body("arrays[0].shape", equalTo(List.of(256, 1, 28, 28)))
                .extract().path("id");
        as(token).get("/api/datasets/" + id).then().statusCode(200).body("name", equalTo("calib"));
        as(token).get("/api/datasets").then().statusCode(200).body("", hasSize(1));
    }

    @Test
    void submittedJobIsQueuedAndRequestedOnKafka() {
        String[] t = TestApi.tenantWithMnist();
        Response r = TestApi.submit(t[0], TestApi.smallJob(t[1], t[2], "{\"maxSizeRatio\":0.5}"));
        r.then().statusCode(202).body("state", equalTo("QUEUED")).body("model", equalTo("resnet8")).body("version", equalTo(1))
                .header("Location", endsWith("/api/jobs/" + r.path("id")));
        String jobId = r.path("id");
        JobEntity job = QuarkusTransaction.requiringNew().call(() -> JobEntity.<JobEntity>findById(jobId));
        assertEquals(JobState.QUEUED, job.state);
        assertNotNull(job.publishedAt, "marked sent");

        SearchRequested request = readSearchRequest(jobId);
        assertEquals(3, request.spec().candidates());
        assertEquals(7L, request.spec().seed());
        assertEquals(0.5, request.spec().budgets().maxSizeRatio());
        assertEquals(64, request.modelSha256().length());
        as(t[0]).get("/api/jobs/" + jobId).then().statusCode(200).body("id", equalTo(jobId)).body("spec.seed", equalTo(7));
        as(t[0]).get("/api/jobs").then().statusCode(200).body("", hasSize(1));
    }

    /** Reads the search requests topic from the start, as a search worker would, until this job's request comes. */
    static SearchRequested readSearchRequest(String jobId) {
        var props = KafkaSettings.consumer(ApiTestResources.bootstrap, "test-" + UUID.randomUUID(), null, 10_000);
        props.put("max.poll.records", 500);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(Topics.SEARCH_REQUESTS));
            long deadline = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
                    if (jobId.equals(rec.key())) {
                        return JsonSerde.read(rec.value(), SearchRequested.class);
                    }
                }
            }
        }
        throw new AssertionError("no SearchRequested for job " + jobId + " within 20 s");
    }
}
