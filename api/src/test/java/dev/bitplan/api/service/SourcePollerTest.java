package dev.bitplan.api.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.bitplan.api.persistence.ModelWatchEntity;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source is new only when its bytes are: a rewritten file with the same bytes, a 304 or the same download are not. */
class SourcePollerTest {

    private final SourcePoller poller = new SourcePoller(Duration.ofSeconds(5));

    @TempDir
    Path dir;

    @Test
    void aFileIsNewWhenItsBytesChangeAndOnlyThen() throws Exception {
        Path model = dir.resolve("m.onnx");
        Files.write(model, new byte[] {1, 2, 3});
        ModelWatchEntity watch = watching(model.toUri().toString());

        SourcePoller.NewBytes first = poller.poll(watch).orElseThrow();
        assertArrayEquals(new byte[] {1, 2, 3}, taken(first));
        assertEquals("m.onnx", first.fileName());
        assertEquals(first.sha256(), watch.sourceSha256);
        assertNotNull(watch.sourceCheckedAt);

        Files.write(model, new byte[] {1, 2, 3}); // touched, same bytes
        assertEquals(Optional.empty(), poller.poll(watch));
        Files.write(model, new byte[] {1, 2, 4});
        assertArrayEquals(new byte[] {1, 2, 4}, taken(poller.poll(watch).orElseThrow()));
        Files.delete(model);
        UncheckedIOException gone = assertThrows(UncheckedIOException.class, () -> poller.poll(watch));
        assertTrue(gone.getMessage().contains(model.toUri().toString()), gone.getMessage());
    }

    @Test
    void anHttpSourceIsAskedWithItsLastEtagAndLastModified() throws Exception {
        AtomicReference<byte[]> body = new AtomicReference<>(new byte[] {7, 7});
        List<String> asked = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/m.onnx", exchange -> {
            String etag = "\"" + java.util.Arrays.hashCode(body.get()) + "\"";
            String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
            asked.add(ifNoneMatch + " / " + exchange.getRequestHeaders().getFirst("If-Modified-Since"));
            exchange.getResponseHeaders().add("ETag", etag);
            exchange.getResponseHeaders().add("Last-Modified", "Thu, 03 Dec 2026 02:00:00 GMT");
            if (etag.equals(ifNoneMatch)) {
                exchange.sendResponseHeaders(304, -1);
            } else {
                exchange.sendResponseHeaders(200, body.get().length);
                exchange.getResponseBody().write(body.get());
            }
            exchange.close();
        });
        server.start();
        try {
            ModelWatchEntity watch = watching("http://127.0.0.1:" + server.getAddress().getPort() + "/m.onnx");
            assertArrayEquals(new byte[] {7, 7}, taken(poller.poll(watch).orElseThrow()));
            assertEquals(Optional.empty(), poller.poll(watch), "304 Not Modified");
            body.set(new byte[] {8});
            assertArrayEquals(new byte[] {8}, taken(poller.poll(watch).orElseThrow()));
            assertEquals("null / null", asked.get(0));
            assertTrue(asked.get(1).endsWith(" / Thu, 03 Dec 2026 02:00:00 GMT") && !asked.get(1).startsWith("null"), asked.toString());
        } finally {
            server.stop(0);
        }
    }

    /** The spooled bytes; the file deleted, as the caller does. */
    private static byte[] taken(SourcePoller.NewBytes found) throws java.io.IOException {
        byte[] bytes = Files.readAllBytes(found.file());
        Files.delete(found.file());
        return bytes;
    }

    private static ModelWatchEntity watching(String uri) {
        ModelWatchEntity w = new ModelWatchEntity();
        w.sourceUri = uri;
        return w;
    }
}
