package dev.bitplan.messaging;

import static dev.bitplan.messaging.testing.TestKafka.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.blob.Sha256;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.messaging.Topics;
import dev.bitplan.messaging.testing.FakeApi;
import dev.bitplan.messaging.testing.TestKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** An unreachable api is waited out, not counted as a failed try; the uploader sends each file once, resuming. */
class OutageTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void anApiThatComesBackWithinTheLimitCostsTheJobNoTry() throws Exception {
        int port = freePort();
        InternalApiClient api = new InternalApiClient("http://localhost:" + port, FakeApi.TOKEN, Duration.ofMinutes(1));
        String topic = TestKafka.topic("outage");
        String group = "g-" + topic;
        List<JobState> seen = new CopyOnWriteArrayList<>();
        // one try only: had the outage counted as a failed try, the message would be dead-lettered
        WorkHandler<WorkLoopTest.Work> handler = (w, ctx) -> seen.add(api.jobStatus(w.jobId()).orElseThrow().state());
        AtomicReference<FakeApi> late = new AtomicReference<>();
        try (Publisher pub = new Publisher(TestKafka.bootstrap(), "t");
             WorkLoop<WorkLoopTest.Work> loop = WorkLoop.builder(topic, WorkLoopTest.Work.class, handler).bootstrap(TestKafka.bootstrap())
                     .group(group).workerId("w-outage").sessionTimeoutMs(6_000).publisher(pub).retry(new RetryPolicy(1, Duration.ofMillis(50)))
                     .start()) {
            TestKafka.produce(topic, "job-o", JsonSerde.write(new WorkLoopTest.Work("job-o", 1)));
            Thread.sleep(3_000); // the api is away for three seconds of the job
            assertTrue(seen.isEmpty());
            FakeApi server = new FakeApi(port);
            late.set(server);
            server.job("job-o", JobState.EVALUATING, List.of());
            await("the job's work", WAIT, () -> seen.size() == 1);
            await("the commit", WAIT, () -> committedQuietly(group, topic) == 1);
        } finally {
            if (late.get() != null) {
                late.get().close();
            }
        }
        assertEquals(List.of(JobState.EVALUATING), seen);
        assertEquals(0, TestKafka.read(Topics.dlq(topic), 1, Duration.ofSeconds(1)).size(), "no dead letter: the outage cost no try");
    }

    @Test
    void anApiAwayLongerThanTheLimitFailsNamingTheApiAndTheCauseNeverNull() throws Exception {
        int port = freePort();
        InternalApiClient api = new InternalApiClient("http://localhost:" + port, FakeApi.TOKEN, Duration.ofMillis(1500));
        long start = System.nanoTime();
        OutageWait.OutageException e = assertThrows(OutageWait.OutageException.class, () -> api.jobStatus("j"));
        long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(waited >= 1400 && waited < 10_000, "waited " + waited + " ms");
        assertTrue(e.getMessage().startsWith("the api at http://localhost:" + port + "/ was unreachable for "), e.getMessage());
        assertTrue(e.getMessage().contains("ConnectException"), e.getMessage());
        assertFalse(e.getMessage().endsWith("null"), e.getMessage());
        String reason = FailureReasons.describe(e, 3, java.util.Map.of(), t -> false);
        assertFalse(reason.contains(": null"), reason);
    }

    @Test
    void theUploaderSendsOnlyWhatTheApiLacksAndAStoredFileNotAtAll() throws Exception {
        byte[] file = new byte[4 * FakeApi.CHUNK_BYTES - 1000];
        new Random(5).nextBytes(file);
        String sha = Sha256.of(file);
        try (FakeApi server = new FakeApi()) {
            InternalApiClient api = new InternalApiClient(server.url(), FakeApi.TOKEN);
            // an earlier sender got chunk 1 across and died
            api.startUpload(sha, file.length, "application/onnx");
            api.putChunk(sha, 1, file, FakeApi.CHUNK_BYTES, FakeApi.CHUNK_BYTES,
                    Sha256.of(java.util.Arrays.copyOfRange(file, FakeApi.CHUNK_BYTES, 2 * FakeApi.CHUNK_BYTES)));
            BlobUploader uploader = new BlobUploader(api);

            assertEquals(sha, uploader.upload(file, "application/onnx"));
            assertArrayEquals(file, server.stored(sha));
            assertEquals(4, server.chunksReceived(), "chunk 1 was not sent again");
            assertEquals(sha, uploader.upload(file, "application/onnx"));
            assertEquals(4, server.chunksReceived(), "a stored file is not sent again");
        }
    }

    private static long committedQuietly(String group, String topic) {
        try {
            return TestKafka.committed(group, topic);
        } catch (Exception e) {
            return -2;
        }
    }
}
