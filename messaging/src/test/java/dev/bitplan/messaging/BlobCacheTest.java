package dev.bitplan.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.contracts.blob.Sha256;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.messaging.testing.FakeApi;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BlobCache and InternalApiClient against {@link FakeApi}, the stand-in for the api's internal endpoints. */
class BlobCacheTest {

    @TempDir
    Path cacheDir;

    private FakeApi server;
    private InternalApiClient api;

    @BeforeEach
    void start() throws IOException {
        server = new FakeApi();
        api = new InternalApiClient(server.url(), FakeApi.TOKEN);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void fetchesVerifiesAndThenServesFromDisk() throws Exception {
        byte[] model = "not really onnx, but bytes".getBytes(StandardCharsets.UTF_8);
        String sha = server.blob(model);
        BlobCache cache = new BlobCache(api, cacheDir);

        Path file = cache.get(sha);
        assertEquals(cacheDir.resolve(sha), file);
        assertArrayEquals(model, Files.readAllBytes(file));
        assertEquals(file, cache.get(sha));
        assertEquals(1, server.blobRequests(), "second get is a cache hit");
        assertEquals(0, partFiles());
    }

    @Test
    void corruptedDownloadIsRefusedAndLeavesNothingBehind() throws Exception {
        String sha = Sha256.of("the real bytes".getBytes(StandardCharsets.UTF_8));
        server.blob(sha, "other bytes".getBytes(StandardCharsets.UTF_8));
        BlobCache cache = new BlobCache(api, cacheDir);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cache.get(sha));
        assertTrue(e.getMessage().contains("download was corrupted"), e.getMessage());
        assertFalse(Files.exists(cacheDir.resolve(sha)));
        assertEquals(0, partFiles());
    }

    @Test
    void missingBlobIsPermanentBadHashIsRefusedWrongTokenSaysWhatToSet() throws Exception {
        BlobCache cache = new BlobCache(api, cacheDir);
        assertThrows(PermanentFailure.class, () -> cache.get("0".repeat(64)));
        assertThrows(IllegalArgumentException.class, () -> cache.get("../../etc/passwd"));

        String sha = server.blob(new byte[] {1, 2, 3});
        BlobCache wrongToken = new BlobCache(new InternalApiClient(api.baseUrl().toString(), "nope"), cacheDir);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> wrongToken.get(sha));
        assertTrue(e.getMessage().contains("BITPLAN_INTERNAL_TOKEN"), e.getMessage());
    }

    @Test
    void jobStatusReadsStateAndStoredLayersAndIgnoresExtraFields() {
        server.job("j1", """
                {"id":"j1","state":"PROFILING","createdAt":"2026-01-01T00:00:00Z",
                 "sensitivity":[{"layer":"conv1","options":[]}]}""");
        JobStatus s = api.jobStatus("j1").orElseThrow();
        assertEquals(JobState.PROFILING, s.state());
        assertEquals("conv1", s.sensitivity().get(0).layer());
        assertTrue(api.jobStatus("unknown").isEmpty());
    }

    private long partFiles() throws IOException {
        try (Stream<Path> files = Files.list(cacheDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".part")).count();
        }
    }
}
