package dev.bitplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bitplan.contracts.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bitplan up} as a user runs it in the background, output to a file: it comes up, serves, and a SIGTERM stops
 * every process it started and forgets the current stack.
 */
class UpProcessTest {

    @Test
    void upInTheBackgroundStopsEverythingOnSigterm(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("up.log");
        Path user = dir.resolve("user");
        Process up = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dbitplan.user-dir=" + user, "-Dbitplan.home=" + StackLayout.repoRoot(),
                "-cp", System.getProperty("java.class.path"), BitPlanCli.class.getName(),
                "up", "--data-dir", dir.resolve("data").toString(), "--port", "0", "--postgres-port", "0", "--kafka-port", "0")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.currentTimeMillis() + 180_000;
            while (!Files.readString(log).contains("Ctrl-C stops everything")) {
                if (!up.isAlive() || System.currentTimeMillis() > deadline) {
                    fail("up did not come up:\n" + Files.readString(log));
                }
                Thread.sleep(200);
            }
            JsonNode current = Json.mapper().readTree(user.resolve("current-stack.json").toFile());
            assertEquals(up.pid(), current.path("pid").asLong());
            HttpResponse<String> info = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(current.path("url").asText() + "/api/info")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, info.statusCode());
            List<ProcessHandle> children = up.toHandle().children().toList();
            assertEquals(3, children.size(), "api, search worker, evaluator: " + children);

            up.destroy(); // SIGTERM
            assertTrue(up.waitFor(60, TimeUnit.SECONDS), "up still runs 60 s after SIGTERM:\n" + Files.readString(log));
            for (ProcessHandle child : children) {
                assertTrue(child.onExit().get(10, TimeUnit.SECONDS) != null);
                assertFalse(child.isAlive(), "child " + child.pid() + " outlived up");
            }
            assertFalse(Files.exists(user.resolve("current-stack.json")), "current-stack.json left behind");
            String output = Files.readString(log);
            assertTrue(output.contains("stopping PostgreSQL"), output);
        } finally {
            up.descendants().forEach(ProcessHandle::destroyForcibly);
            up.destroyForcibly();
        }
    }
}
