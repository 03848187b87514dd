package dev.bitplan.api.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bitplan.api.service.problems.InvalidRequestException;
import org.junit.jupiter.api.Test;

/** Which source and webhook URIs a watch accepts, and that a refusal names its field and says why. */
class WatchUrisTest {

    @Test
    void acceptsFileAndHttpSourcesAndHttpWebhooksAndBlankAsNone() {
        assertEquals("file:///models/m.onnx", WatchUris.source("sourceUri", "file:///models/m.onnx"));
        assertEquals("https://models.example/m.onnx", WatchUris.source("sourceUri", " https://models.example/m.onnx "));
        assertEquals("http://127.0.0.1:9/hook", WatchUris.webhook("webhookUrl", "http://127.0.0.1:9/hook"));
        assertNull(WatchUris.source("sourceUri", null));
        assertNull(WatchUris.webhook("webhookUrl", "  "));
    }

    @Test
    void refusesOtherSchemesRelativeFilesAndUrlsWithoutAHost() {
        refused(() -> WatchUris.source("sourceUri", "ftp://h/m.onnx"), "sourceUri", "scheme 'ftp'; use file://, http://, https://");
        refused(() -> WatchUris.source("sourceUri", "models/m.onnx"), "sourceUri", "scheme none");
        refused(() -> WatchUris.source("sourceUri", "file:m.onnx"), "sourceUri", "not a local absolute file URI");
        refused(() -> WatchUris.source("sourceUri", "file://otherhost/m.onnx"), "sourceUri", "not a local absolute file URI");
        refused(() -> WatchUris.source("sourceUri", "http://bad host/m"), "sourceUri", "is not a URI");
        refused(() -> WatchUris.webhook("webhookUrl", "file:///tmp/hook"), "webhookUrl", "scheme 'file'; use http://, https://");
        refused(() -> WatchUris.webhook("webhookUrl", "https:///hook"), "webhookUrl", "names no host");
    }

    private static void refused(org.junit.jupiter.api.function.Executable call, String field, String message) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, call);
        assertEquals(field, e.field());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
