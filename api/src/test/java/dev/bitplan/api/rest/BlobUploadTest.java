package dev.bitplan.api.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.bitplan.api.support.TestApi;
import dev.bitplan.contracts.blob.Sha256;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The workers' chunked upload into the blob store, on real PostgreSQL: resumable, idempotent, verified, limited. */
@QuarkusTest
class BlobUploadTest {

    private static final int CHUNK = 1 << 20;

    private static RequestSpecification internal() {
        return given().header("Authorization", "Bearer " + TestApi.INTERNAL);
    }

    private static Response start(String sha, long size) {
        return internal().contentType("application/json").body(Map.of("sizeBytes", size, "mediaType", "application/onnx"))
                .post("/internal/uploads/" + sha);
    }

    private static Response chunk(String sha, int seq, byte[] bytes) {
        byte[] part = Arrays.copyOfRange(bytes, seq * CHUNK, Math.min(bytes.length, (seq + 1) * CHUNK));
        return internal().contentType("application/octet-stream").header("X-Chunk-SHA256", Sha256.of(part)).body(part)
                .put("/internal/uploads/" + sha + "/chunks/" + seq);
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void anInterruptedUploadResumesWithTheMissingChunksAndIsStoredOnce() {
        byte[] file = random(2 * CHUNK + 12_345, 1);
        String sha = Sha256.of(file);
        start(sha, file.length).then().statusCode(200).body("stored", equalTo(false)).body("chunkCount", equalTo(3))
                .body("received", equalTo(List.of()));
        chunk(sha, 0, file).then().statusCode(200);
        chunk(sha, 2, file).then().statusCode(200);
        chunk(sha, 2, file).then().statusCode(200); // a retry after a lost answer changes nothing

        // the sender died here; a new one asks where the upload stands and sends only what is missing
        start(sha, file.length).then().statusCode(200).body("received", equalTo(List.of(0, 2)));
        internal().post("/internal/uploads/" + sha + "/complete").then().statusCode(409)
                .body("detail", containsString("lacks 1 of its 3 chunks ([1])"));
        chunk(sha, 1, file).then().statusCode(200).body("received", equalTo(List.of(0, 1, 2)));
        internal().post("/internal/uploads/" + sha + "/complete").then().statusCode(200).body("stored", equalTo(true));

        byte[] stored = internal().get("/internal/blobs/" + sha).then().statusCode(200).extract().asByteArray();
        assertArrayEquals(file, stored);
        // idempotent: completing or starting the same file again answers "stored", and nothing is to be sent
        internal().post("/internal/uploads/" + sha + "/complete").then().statusCode(200).body("stored", equalTo(true));
        start(sha, file.length).then().statusCode(200).body("stored", equalTo(true)).body("received", equalTo(List.of()));
        chunk(sha, 0, file).then().statusCode(200).body("stored", equalTo(true));
    }

    @Test
    void chunksThatDoNotHashToTheAddressAreDiscardedNotStored() {
        byte[] file = random(CHUNK + 10, 2);
        byte[] other = random(CHUNK + 10, 3);
        String sha = Sha256.of(file);
        start(sha, file.length).then().statusCode(200);
        chunk(sha, 0, other).then().statusCode(200);
        chunk(sha, 1, other).then().statusCode(200);
        internal().post("/internal/uploads/" + sha + "/complete").then().statusCode(422)
                .body("detail", containsString("hash to " + Sha256.of(other) + ", not to " + sha + "; the upload is discarded"));
        internal().get("/internal/uploads/" + sha).then().statusCode(404);
        internal().get("/internal/blobs/" + sha).then().statusCode(404);
    }

    @Test
    void badChunksAndSizesAreRefusedNamingTheProblem() {
        byte[] file = random(CHUNK + 100, 4);
        String sha = Sha256.of(file);
        start(sha, file.length).then().statusCode(200);
        internal().contentType("application/octet-stream").body(new byte[10]).put("/internal/uploads/" + sha + "/chunks/0")
                .then().statusCode(400).body("detail", containsString("chunk 0 has 10 bytes; it must have 1048576"));
        internal().contentType("application/octet-stream").body(new byte[100]).put("/internal/uploads/" + sha + "/chunks/2")
                .then().statusCode(400).body("detail", containsString("chunk 2 is outside the file"));
        internal().contentType("application/octet-stream").header("X-Chunk-SHA256", "0".repeat(64)).body(Arrays.copyOfRange(file, CHUNK, file.length))
                .put("/internal/uploads/" + sha + "/chunks/1").then().statusCode(422).body("detail", containsString("corrupted on the way"));
        internal().contentType("application/octet-stream").body(new byte[10]).put("/internal/uploads/" + "a".repeat(64) + "/chunks/0")
                .then().statusCode(404).body("detail", containsString("start it first"));

        start("not-a-hash", 10).then().statusCode(400).body("detail", containsString("is not a sha256"));
        start(sha, 0).then().statusCode(400).body("detail", containsString("sizeBytes must be > 0"));
        // the test profile's model limit is 8 MiB; over 2 GB the answer says why no limit setting helps
        start("b".repeat(64), 9L << 20).then().statusCode(413).body("detail", containsString("over the model limit of 8388608 bytes"));
        start("b".repeat(64), 3L << 30).then().statusCode(413).body("detail", containsString("external data files, which BitPlan does not support"));
        given().contentType("application/json").body(Map.of("sizeBytes", 10)).post("/internal/uploads/" + sha).then().statusCode(401);
    }
}
