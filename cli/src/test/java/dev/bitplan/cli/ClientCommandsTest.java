package dev.bitplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.job.Method;
import dev.bitplan.contracts.plan.ActivationMode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** submit / status / fetch without a service: flags, where URL and token come from, how the service's errors show. */
class ClientCommandsTest {

    private static final String[] FILES = {"--model", "m.onnx", "--data", "d.npz"};

    private static final String[] FLAGS = {"--max-size-ratio", "0.4", "--max-drop", "0.01", "--weight-bits", "4,8",
        "--activation-bits", "8", "--allow-float", "--fused-only", "--tie-add-inputs", "--candidates", "5", "--sensitivity-samples", "64",
        "--latency-runs", "7", "--latency-batch", "16", "--calibration-samples", "32", "--metric", "agreement", "--calibration",
        "percentile", "--percentile", "99.9", "--activations", "dynamic", "--per-tensor", "--weight-clipping", "mse", "--seed", "11"};

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }

    @Test
    void submitBuildsTheSameJobSpecAsSearchForTheSameFlags() {
        SearchCommand search = new SearchCommand();
        new CommandLine(search).parseArgs(concat(FILES, new String[] {"--out", "x"}, FLAGS));
        SubmitCommand submit = new SubmitCommand();
        new CommandLine(submit).parseArgs(concat(FILES, FLAGS));
        JobSpec spec = submit.spec();
        assertEquals(search.spec(), spec);
        // and the flags really arrived
        assertEquals(0.4, spec.budgets().maxSizeRatio());
        assertEquals(0.01, spec.budgets().maxDrop());
        assertEquals(5, spec.candidates());
        assertEquals(11L, spec.seed());
        assertEquals(ActivationMode.DYNAMIC, spec.quantization().activationMode());
        assertEquals(false, spec.quantization().perChannel());
        assertEquals(false, spec.space().fusionChoices());
        assertEquals(true, spec.space().tieAddInputs());
        assertEquals("agreement", spec.metric());
        assertEquals(16, spec.latencyBatch());
        // the in-process search runs what the spec says
        var request = dev.bitplan.search.SearchRequest.from(spec, Path.of("m.onnx"), Path.of("d.npz"), null);
        assertEquals(spec.sensitivitySamples(), request.sensitivitySamples());
        assertEquals(spec.quantization(), request.quantization());
        assertEquals(spec.budgets(), request.budgets());
    }

    @Test
    void weightGranularityChoosesBlockWiseFourBitMatMulsOrPerTensorScales() {
        for (String[] flags : new String[][] {{"--weight-granularity", "block-128"}, {"--weight-granularity", "BLOCK-32"},
            {"--weight-granularity", "per-tensor"}, {"--per-tensor"}, {"--per-tensor", "--weight-granularity", "per-tensor"}}) {
            SubmitCommand submit = new SubmitCommand();
            new CommandLine(submit).parseArgs(concat(FILES, flags));
            var options = submit.spec().quantization();
            int expected = flags[flags.length - 1].equals("block-128") ? 128 : flags[flags.length - 1].equals("BLOCK-32") ? 32 : 0;
            assertEquals(expected, options.weightBlockSize(), String.join(" ", flags));
            assertEquals(expected > 0, options.perChannel(), "block-wise: other layers per channel; else per tensor");
        }
        SubmitCommand bad = new SubmitCommand();
        new CommandLine(bad).parseArgs(concat(FILES, new String[] {"--weight-granularity", "block-64"}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::spec);
        assertTrue(e.getMessage().contains("per-channel, per-tensor, block-32, block-128"), e.getMessage());
        SubmitCommand both = new SubmitCommand();
        new CommandLine(both).parseArgs(concat(FILES, new String[] {"--per-tensor", "--weight-granularity", "block-32"}));
        assertThrows(IllegalArgumentException.class, both::spec);
    }

    @Test
    void defaultFlagsGiveTheDefaultJobSpec() {
        SubmitCommand submit = new SubmitCommand();
        new CommandLine(submit).parseArgs(FILES);
        assertEquals(JobSpec.defaults(), submit.spec());
        SubmitCommand qat = new SubmitCommand();
        new CommandLine(qat).parseArgs(concat(FILES, new String[] {"--method", "qat", "--train-data", "t.npz", "--qat-steps", "7"}));
        assertEquals(Method.QAT, qat.spec().method());
        assertEquals(7, qat.spec().qatSteps());
        SubmitCommand noTrainData = new SubmitCommand();
        new CommandLine(noTrainData).parseArgs(concat(FILES, new String[] {"--method", "qat"}));
        CommandFailure e = assertThrows(CommandFailure.class, noTrainData::spec);
        assertTrue(e.getMessage().contains("--train-data"), e.getMessage());
    }

    @Test
    void urlAndTokenComeFromFlagsThenEnvironmentThenTheLocalStack(@TempDir Path home) {
        Path current = home.resolve("current-stack.json");
        long me = ProcessHandle.current().pid();
        PrivateFiles.writeJson(current, Map.of("url", "http://localhost:8080", "token", "bp_local", "dataDir", "/d", "pid", me));

        var fromFlags = ServiceTarget.resolve("http://flag:1/", "bp_flag", Map.of("BITPLAN_URL", "http://env:2", "BITPLAN_TOKEN", "bp_env"), current);
        assertEquals("http://flag:1", fromFlags.url());
        assertEquals("bp_flag", fromFlags.token());

        var fromEnv = ServiceTarget.resolve(null, null, Map.of("BITPLAN_URL", "http://env:2", "BITPLAN_TOKEN", "bp_env"), current);
        assertEquals("http://env:2", fromEnv.url());
        assertEquals("bp_env", fromEnv.token());

        var local = ServiceTarget.resolve(null, null, Map.of(), current);
        assertEquals("http://localhost:8080", local.url());
        assertEquals("bp_local", local.token());

        var tokenFlagOnly = ServiceTarget.resolve(null, "bp_mine", Map.of(), current);
        assertEquals("http://localhost:8080", tokenFlagOnly.url());
        assertEquals("bp_mine", tokenFlagOnly.token());

        // the local stack's token never goes to another service
        CommandFailure other = assertThrows(CommandFailure.class, () -> ServiceTarget.resolve("http://elsewhere:9", null, Map.of(), current));
        assertTrue(other.getMessage().contains("--token"), other.getMessage());
        assertEquals(2, other.exitCode());
    }

    @Test
    void noServiceOrADeadStackIsAClearError(@TempDir Path home) {
        Path current = home.resolve("current-stack.json");
        CommandFailure none = assertThrows(CommandFailure.class, () -> ServiceTarget.resolve(null, null, Map.of(), current));
        assertTrue(none.getMessage().contains("./bitplan up"), none.getMessage());

        long dead = deadPid();
        PrivateFiles.writeJson(current, Map.of("url", "http://localhost:8080", "token", "bp_local", "pid", dead));
        CommandFailure stale = assertThrows(CommandFailure.class, () -> ServiceTarget.resolve(null, null, Map.of(), current));
        assertTrue(stale.getMessage().contains("not running"), stale.getMessage());
    }

    @Test
    void theServicesProblemDetailIsShownAndA4xxExitsWith2(@TempDir Path tmp) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/jobs/", ex -> {
            byte[] body = ("{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
                    + "\"detail\":\"no job 'nope' in this tenant\",\"field\":\"id\"}").getBytes(StandardCharsets.UTF_8);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            int status = "Bearer bp_test".equals(auth) ? 404 : 401;
            ex.getResponseHeaders().add("Content-Type", "application/problem+json");
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            var err = new java.io.ByteArrayOutputStream();
            CommandLine cli = BitPlanCli.commandLine();
            cli.setErr(new java.io.PrintWriter(err, true));
            int exit = cli.execute("status", "nope", "--url", url, "--token", "bp_test");
            assertEquals(2, exit);
            String text = err.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("no job 'nope' in this tenant"), text);
            assertTrue(text.contains("field: id"), text);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anUnreachableServiceSaysSo() throws IOException {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CommandFailure e = assertThrows(CommandFailure.class, () -> new ApiClient("http://127.0.0.1:" + port, "t").get("/api/jobs"));
        assertTrue(e.getMessage().contains("cannot reach"), e.getMessage());
        assertNotEquals(2, e.exitCode());
    }

    @Test
    void problemBodiesThatAreNotJsonStillGiveTheStatus() {
        ApiException e = ApiClient.problem(502, "<html>Bad Gateway</html>");
        assertTrue(e.getMessage().contains("502"), e.getMessage());
        assertEquals(1, e.exitCode());
    }

    private static long deadPid() {
        try {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            return p.pid();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
