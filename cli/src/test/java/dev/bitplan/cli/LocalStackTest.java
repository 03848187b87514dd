package dev.bitplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real launcher: embedded PostgreSQL and Kafka here, the three packaged apps as child JVMs; then a clean stop. */
class LocalStackTest {

    @Test
    void startsTheAppsAndStopsEverythingItStarted(@TempDir Path dir) throws Exception {
        Path repo = StackLayout.repoRoot();
        for (String app : List.of(StackLayout.API, StackLayout.SEARCH_WORKER, StackLayout.EVALUATOR)) {
            if (!Files.isRegularFile(repo.resolve(app).resolve("target/quarkus-app/quarkus-run.jar"))) {
                fail(app + "/target/quarkus-app is missing: run ./mvnw package -DskipTests first "
                        + "(./mvnw -pl cli -am verify builds the apps before cli)");
            }
        }
        List<String> said = new ArrayList<>();
        LocalStack.Settings settings = new LocalStack.Settings(dir, 0, 0, 0, 1, 1, Duration.ofSeconds(120), Duration.ofSeconds(10), false);
        List<ProcessHandle> children;
        int[] ports;
        try (LocalStack stack = LocalStack.start(repo, settings, said::add)) {
            JsonNode info = stack.info();
            assertEquals("bitplan", info.path("name").asText(), info.toString());
            children = stack.apps().stream().map(AppProcess::handle).toList();
            assertEquals(3, children.size());
            for (AppProcess app : stack.apps()) {
                assertTrue(app.alive(), app.name() + " is not running: " + app.logTail(20));
                assertTrue(Files.isRegularFile(app.log()), app.log() + " missing");
            }
            assertTrue(Files.isRegularFile(dir.resolve("logs/api.log")));
            assertTrue(Files.isRegularFile(dir.resolve("logs/search-worker-1.log")));
            assertTrue(Files.isRegularFile(dir.resolve("logs/evaluator-1.log")));
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve("secrets.json"))));
            ports = new int[] {stack.apiPort(), stack.postgresPort(), stack.kafkaPort()};
        }
        for (ProcessHandle child : children) {
            assertFalse(child.isAlive(), "child " + child.pid() + " still runs after close");
        }
        for (int port : ports) {
            assertTrue(free(port), "port " + port + " still in use after close; " + said);
        }
    }

    @Test
    void aMissingAppSaysHowToBuildIt(@TempDir Path repo) {
        CommandFailure e = org.junit.jupiter.api.Assertions.assertThrows(CommandFailure.class,
                () -> StackLayout.runJar(repo, StackLayout.API));
        assertTrue(e.getMessage().contains("./mvnw package"), e.getMessage());
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
