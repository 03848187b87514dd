package dev.bitplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.search.SearchReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bitplan fetch JOB --out DIR}: a finished job's report, Pareto front and every candidate's deployable model. */
@Command(name = "fetch", sortOptions = false,
        description = "Download a finished job's report.json, pareto.json, recommended.onnx and candidates/<id>.onnx into DIR.")
final class FetchCommand implements Callable<Integer> {

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    @Parameters(index = "0", paramLabel = "JOB", description = "job id")
    String jobId;

    @Option(names = "--out", required = true, description = "directory to write into")
    Path out;

    @Mixin
    ServiceTarget target;

    @Override
    public Integer call() {
        ApiClient api = target.client();
        SearchReport report = new JobClient(api).report(jobId); // 409 with the service's reason while the job is not DONE
        try {
            Files.createDirectories(out.resolve("candidates"));
            Files.writeString(out.resolve("report.json"), Json.write(report));
            Files.writeString(out.resolve("pareto.json"), Json.write(api.get("/api/jobs/" + jobId + "/pareto")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + out, e);
        }
        int models = 0;
        for (JsonNode c : api.get("/api/jobs/" + jobId + "/candidates")) {
            String id = c.path("id").asText();
            if (!SAFE_NAME.matcher(id).matches()) {
                System.err.println("skipping candidate with an unusual id: " + id);
                continue;
            }
            String path = c.hasNonNull("modelUrl") ? c.get("modelUrl").asText()
                    : "/api/candidates/" + c.path("candidateId").asText(jobId + ":" + id) + "/model";
            try {
                api.download(path, out.resolve("candidates").resolve(id + ".onnx"));
                models++;
                if (id.equals(report.recommended())) {
                    Files.copy(out.resolve("candidates").resolve(id + ".onnx"), out.resolve("recommended.onnx"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (ApiException e) {
                if (e.status() != 404) {
                    throw e;
                }
                System.err.println("candidate " + id + " has no model to download: " + e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write to " + out, e);
            }
        }
        System.out.println("wrote " + out.resolve("report.json") + ", " + out.resolve("pareto.json") + ", " + models + " candidate models"
                + (report.recommended() != null && Files.exists(out.resolve("recommended.onnx")) ? " and " + out.resolve("recommended.onnx") : ""));
        return 0;
    }
}
