package dev.bitplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.plan.Simulation;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user runs them, on the MNIST sample bundled in the repository. */
class CliTest {

    private static final String MODEL = "../samples/mnist/resnet8_bn.onnx";
    private static final String DATA = "../samples/mnist/mnist_test.npz";
    private static final String CALIB = "../samples/mnist/mnist_calib.npz";

    @Test
    void benchmarkHeadersRepeatEveryFlagThatChangesTheRun() {
        EngineBenchmark bench = new EngineBenchmark();
        new picocli.CommandLine(bench).parseArgs("--model", "m.onnx", "--data", "d.npz", "--calibration-samples", "512",
                "--per-tensor", "--simulation", "fake-quant");
        assertEquals("--model m.onnx --data d.npz --calibration-samples 512 --per-tensor --simulation fake-quant", bench.engine.flags());
        assertEquals(Simulation.FAKE_QUANT, bench.engine.quantizationOptions().simulation());
        EngineBenchmark plain = new EngineBenchmark();
        new picocli.CommandLine(plain).parseArgs("--model", "m.onnx", "--data", "d.npz", "--calibration-data", "c.npz");
        assertEquals("--model m.onnx --data d.npz --calibration-data c.npz", plain.engine.flags(), "what was not typed is left out");
        assertEquals(Simulation.INTEGER, plain.engine.quantizationOptions().simulation());
        EngineBenchmark wrong = new EngineBenchmark();
        new picocli.CommandLine(wrong).parseArgs("--model", "m.onnx", "--data", "d.npz", "--simulation", "exact");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> wrong.engine.quantizationOptions());
        assertTrue(e.getMessage().contains("--simulation must be integer or fake-quant"), e.getMessage());
    }

    @Test
    void evaluateWithQatFineTunesThePlanAndPrintsBothMetrics(@TempDir Path tmp) throws Exception {
        Path exported = tmp.resolve("qat.onnx");
        // a few steps only: the one-epoch figures are in BENCHMARKS (QatBench); the digits' calibration file trains
        Cli.Run r = Cli.run("evaluate", "--model", MODEL, "--data", DATA, "--calibration-data", CALIB, "--uniform", "4", "--latency-runs", "5",
                "--method", "qat", "--train-data", CALIB, "--qat-steps", "6", "--export", exported.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = Json.mapper().readTree(r.out());
        assertEquals(6, j.at("/qat/steps").asInt());
        double ptq = j.at("/qat/ptqMetric").asDouble();
        double qat = j.at("/qat/qatMetric").asDouble();
        assertEquals(qat, j.at("/quantized/metric").asDouble(), 1e-12, "the quantized row is the tuned model");
        assertEquals(qat, j.at("/qat/deployedMetric").asDouble(), 2e-3, "its export runs as scored");
        assertTrue(qat > ptq - 0.01 && qat < 1, "a few steps of distillation do not wreck the plan: " + ptq + " -> " + qat);
        assertTrue(j.at("/qat/lastLoss").asDouble() < j.at("/qat/firstLoss").asDouble(), r.out());
        // the training file is streamed from a spill on disk, a batch in the heap at a time
        assertEquals(0, j.at("/qat/trainDataBytes").asLong(), r.out());
        assertEquals(256L * 28 * 28 * 4 + 256 * 8, j.at("/qat/trainDataBytesOnDisk").asLong(), "256 digits and their labels");
        assertEquals(64L * 28 * 28 * 4, j.at("/qat/peakBatchBytes").asLong(), "64 digits as floats");
        assertTrue(Files.size(exported) > 0);

        assertEquals(0, j.at("/qat/rangesLearned").asInt(), "activation ranges from calibration unless asked");

        Cli.Run missing = Cli.run("evaluate", "--model", MODEL, "--data", DATA, "--method", "qat");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("--method qat needs --train-data"), missing.err());
        Cli.Run rangesWithoutQat = Cli.run("evaluate", "--model", MODEL, "--data", DATA, "--qat-learn-ranges");
        assertEquals(2, rangesWithoutQat.exit());
        assertTrue(rangesWithoutQat.err().contains("--qat-learn-ranges is a QAT option"), rangesWithoutQat.err());
    }

    @Test
    void evaluateWithLearnedRangesScoresTheTunedModelWithThem() throws Exception {
        Cli.Run r = Cli.run("evaluate", "--model", MODEL, "--data", DATA, "--calibration-data", CALIB, "--uniform", "4", "--latency-runs", "5",
                "--method", "qat", "--train-data", CALIB, "--qat-steps", "4", "--qat-learn-ranges", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = Json.mapper().readTree(r.out());
        assertTrue(j.at("/qat/rangesLearned").asInt() >= 9, "the static 8-bit activations the MNIST layers read: " + r.out());
        assertEquals(j.at("/qat/qatMetric").asDouble(), j.at("/qat/deployedMetric").asDouble(), 2e-3, "its export runs as scored");
    }

    @Test
    void inspectJsonListsTheTenLayers() throws Exception {
        Cli.Run r = Cli.run("inspect", "--model", MODEL, "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = Json.mapper().readTree(r.out());
        assertEquals(21, j.get("opset").asInt(), "upgraded on load, so that exports pack 4-bit weights");
        assertEquals(13, j.get("sourceOpset").asInt());
        assertEquals(10, j.get("layers").size());
        assertEquals("Conv+BN+Relu", j.get("layers").get(0).get("pattern").asText());
        assertTrue(j.get("layers").get(0).get("macs").asLong() > 0);
    }

    @Test
    void evaluateJsonHasTheFieldsScriptsRelyOn(@TempDir Path tmp) throws Exception {
        Path exported = tmp.resolve("w8.onnx");
        Cli.Run r = Cli.run("evaluate", "--model", MODEL, "--data", DATA, "--calibration-data", CALIB, "--latency-runs", "5",
                "--export", exported.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = Json.mapper().readTree(r.out());
        assertEquals("accuracy", j.get("metricName").asText());
        assertEquals(0.9885, j.at("/fp32/metric").asDouble(), 1e-9);
        double quantized = j.at("/quantized/metric").asDouble();
        assertTrue(quantized >= 0.9835, "W8A8 within 0.5 points: " + quantized);
        assertEquals(quantized, j.at("/quantized/deployedMetric").asDouble(), 0.002);
        assertTrue(j.at("/quantized/sizeBytes").asLong() < j.at("/fp32/sizeBytes").asLong() / 3);
        assertTrue(j.at("/fp32/latencyMs").asDouble() > 0 && j.at("/quantized/latencyMs").asDouble() > 0);
        assertEquals(Files.size(exported), j.at("/quantized/exportedBytes").asLong());
        assertTrue(r.err().contains("[evaluation]"), "progress goes to stderr");

        // the same export held against FP32 by compare, on the same 2000 digits: the deployed metric evaluate reported
        Cli.Run c = Cli.run("compare", "--model", exported.toString(), "--reference", MODEL, "--data", DATA, "--latency-runs", "3", "--json");
        assertEquals(0, c.exit(), c.err());
        JsonNode cj = Json.mapper().readTree(c.out());
        assertEquals("accuracy", cj.get("metricName").asText());
        assertEquals(2000, cj.get("samples").asInt());
        assertEquals(0.9885, cj.at("/reference/metric").asDouble(), 1e-9);
        assertEquals(j.at("/quantized/deployedMetric").asDouble(), cj.at("/model/metric").asDouble(), 1e-12);
        assertEquals(Files.size(exported), cj.at("/model/fileBytes").asLong());
        assertEquals(Files.size(Path.of(MODEL)), cj.at("/reference/fileBytes").asLong());
        assertTrue(cj.at("/model/latencyMs").asDouble() > 0);
    }

    @Test
    void compareRefusesDataTheModelsCannotRead() {
        Cli.Run c = Cli.run("compare", "--model", MODEL, "--reference", MODEL, "--data", "../../shared/fixtures/text/license_text_64.npz");
        assertEquals(2, c.exit(), c.err());
        assertTrue(c.err().contains("input"), c.err());
    }

    @Test
    void evaluateReadsAPlanFile(@TempDir Path tmp) throws Exception {
        Path plan = tmp.resolve("plan.json");
        Files.writeString(plan, """
                {"schemaVersion": 1,
                 "defaultChoice": {"weightBits": 8, "activationBits": 8},
                 "layers": {"/fc/Gemm": {"weightBits": 4}, "/stem/stem.0/Conv": {"float": true}}}
                """);
        Cli.Run r = Cli.run("evaluate", "--model", MODEL, "--data", CALIB, "--plan", plan.toString(), "--latency-runs", "3", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = Json.mapper().readTree(r.out());
        assertEquals(4, j.at("/plan/layers/~1fc~1Gemm/weightBits").asInt());
        assertTrue(j.at("/plan/layers/~1stem~1stem.0~1Conv/float").asBoolean());
    }

    @Test
    void badInputsExitWithTwoAndOneLineThatNamesTheProblem(@TempDir Path tmp) throws Exception {
        Path jpeg = tmp.resolve("photo.onnx");
        Files.write(jpeg, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F'});
        Cli.Run r = Cli.run("inspect", "--model", jpeg.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("not an ONNX model") && r.err().contains("JPEG"), r.err());

        Path plan = tmp.resolve("plan.json");
        Files.writeString(plan, "{\"schemaVersion\":1,\"layers\":{\"/no/such/Conv\":{\"weightBits\":4}}}");
        r = Cli.run("evaluate", "--model", MODEL, "--data", CALIB, "--plan", plan.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("/no/such/Conv"), r.err());

        Files.writeString(plan, "{\"schemaVersion\":1,\"layers\":{\"/fc/Gemm\":{\"weightBits\":3}}}");
        r = Cli.run("evaluate", "--model", MODEL, "--data", CALIB, "--plan", plan.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("weightBits must be 4 or 8"), r.err());
    }

    @Test
    void searchWithQatFineTunesTheFrontAndRecommendsByTheTunedMetric(@TempDir Path tmp) throws Exception {
        // the calibration file (256 digits) also as data and training set keeps it fast: 192 samples validate
        Cli.Run r = Cli.run("search", "--model", MODEL, "--data", CALIB, "--calibration-data", CALIB, "--calibration-samples", "64",
                "--sensitivity-samples", "64", "--candidates", "1", "--fused-only", "--latency-runs", "3", "--max-size-ratio", "0.25",
                "--method", "qat", "--train-data", CALIB, "--qat-steps", "4", "--out", tmp.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode report = Json.mapper().readTree(tmp.resolve("report.json").toFile());
        int tuned = 0;
        double best = Double.NEGATIVE_INFINITY;
        for (JsonNode c : report.get("candidates")) {
            if (c.get("kind").asText().equals("baseline-fp32")) {
                assertTrue(c.path("ptqMetric").isMissingNode(), "FP32 is not quantized, so not fine-tuned: " + c);
                continue;
            }
            assertTrue(c.has("ptqMetric"), "every quantized candidate carries its PTQ metric: " + c);
            if (c.has("qatMetric")) {
                tuned++;
                assertEquals(c.get("qatMetric").asDouble(), c.get("metric").asDouble(), 1e-12, "the front judges the tuned metric");
                assertEquals(4, c.at("/qat/steps").asInt());
            } else {
                assertEquals("not on the PTQ front", c.at("/qat/skipped").asText(), c.toString());
            }
            if (c.get("withinBudgets").asBoolean()) {
                best = Math.max(best, c.has("qatMetric") ? c.get("qatMetric").asDouble() : c.get("ptqMetric").asDouble());
            }
        }
        assertTrue(tuned >= 1, "the PTQ front's quantized candidates are fine-tuned");
        String recommended = report.get("recommended").asText();
        JsonNode rec = null;
        for (JsonNode c : report.get("candidates")) {
            if (c.get("id").asText().equals(recommended)) {
                rec = c;
            }
        }
        assertEquals(best, rec.get("metric").asDouble(), 1e-12, "the recommendation is the best tuned metric within the budgets");
        assertTrue(report.get("notes").toString().contains("QAT: " + tuned + " of"), report.get("notes").toString());
        assertTrue(report.at("/stageMillis/qat").asLong() > 0);
        assertTrue(Files.size(tmp.resolve("recommended.onnx")) > 10_000);
        assertTrue(r.err().contains("[qat]"), "training steps on stderr");
    }

    @Test
    void searchWritesTheReportAndTheRecommendedModel(@TempDir Path tmp) throws Exception {
        Cli.Run r = Cli.run("search", "--model", MODEL, "--data", DATA, "--calibration-data", CALIB, "--calibration-samples", "64",
                "--sensitivity-samples", "64", "--candidates", "3", "--fused-only", "--latency-runs", "5",
                "--max-size-ratio", "0.2", "--out", tmp.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode report = Json.mapper().readTree(tmp.resolve("report.json").toFile());
        String recommended = report.get("recommended").asText();
        assertTrue(r.out().contains(recommended + " *"), "the table marks the recommendation:\n" + r.out());
        assertTrue(Files.size(tmp.resolve("recommended.onnx")) > 10_000);
        assertTrue(r.err().contains("[sensitivity]") && r.err().contains("[candidates]"), "progress per stage on stderr");

        r = Cli.run("search", "--model", MODEL, "--data", DATA, "--max-size-bytes", "1000", "--out", tmp.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("smallest possible plan"), r.err());
    }
}
