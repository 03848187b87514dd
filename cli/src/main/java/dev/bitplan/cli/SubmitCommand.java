package dev.bitplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.job.Method;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.search.SearchReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bitplan submit}: uploads a model and its data to a BitPlan service and starts a search job there. */
@Command(name = "submit", sortOptions = false,
        description = "Upload a model and data to a BitPlan service and submit a search job; print its id (or follow it with --wait).")
final class SubmitCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "ONNX model file (uploaded; a new version when the name exists)")
    Path model;

    @Option(names = "--data", required = true, description = "NPZ dataset (one array per model input, optional 'labels')")
    Path data;

    @Option(names = "--calibration-data", description = "separate NPZ for calibration; default: drawn from --data")
    Path calibrationData;

    @Option(names = "--name", description = "model name in the service (default: the file name without extension)")
    String name;

    @Mixin
    QatFlags qat;

    @Mixin
    QuantizationFlags quant;

    @Mixin
    SearchFlags search;

    @Option(names = "--wait", description = "follow the job to its end (progress on stderr); exit 0 when DONE")
    boolean await;

    @Option(names = "--wait-timeout", defaultValue = "3600", description = "seconds --wait waits at most (default 3600)")
    long waitTimeout;

    @Option(names = "--json", description = "print JSON: the job; with --wait {\"job\": ..., \"report\": ...}")
    boolean json;

    @Mixin
    ServiceTarget target;

    /** The job these flags describe: the same one {@code search} runs for the same flags. */
    JobSpec spec() {
        JobSpec spec = search.spec(quant, Method.PTQ);
        return qat.qat() ? spec.withQat(null, qat.qatSteps, qat.qatEpochs).withQatLearnRanges(qat.learnRanges) : spec;
    }

    @Override
    public Integer call() {
        JobSpec spec = spec();
        JobClient jobs = new JobClient(target.client());
        String modelName = name != null ? name : JobClient.baseName(model);
        System.err.println("uploading " + model + " as model '" + modelName + "'");
        JsonNode version = jobs.uploadModel(model, modelName);
        System.err.println("uploading " + data);
        String datasetId = jobs.uploadDataset(data, JobClient.baseName(data)).path("id").asText();
        String calibrationId = null;
        if (calibrationData != null) {
            System.err.println("uploading " + calibrationData);
            calibrationId = jobs.uploadDataset(calibrationData, JobClient.baseName(calibrationData)).path("id").asText();
        }
        if (spec.method() == Method.QAT) {
            System.err.println("uploading " + qat.trainData);
            String trainId = jobs.uploadDataset(qat.trainData, JobClient.baseName(qat.trainData)).path("id").asText();
            spec = spec.withQat(trainId, spec.qatSteps(), spec.qatEpochs());
        }
        JsonNode job = jobs.submit(version.path("versionId").asText(), datasetId, calibrationId, spec);
        String id = job.path("id").asText();
        if (!await) {
            System.out.println(json ? Json.write(job) : id);
            return 0;
        }
        System.err.println("submitted job " + id + " (model " + modelName + " v" + version.path("version").asText() + ")");
        return follow(jobs, id, waitTimeout * 1000, json);
    }

    /** Waits for the job, then prints the result (table or JSON); 0 when DONE, 1 when it FAILED or was CANCELLED. */
    static int follow(JobClient jobs, String id, long timeoutMillis, boolean json) {
        JsonNode job = jobs.await(id, System.err, timeoutMillis);
        JobState state = JobClient.state(job);
        SearchReport report = state == JobState.DONE ? jobs.report(id) : null;
        if (json) {
            ObjectNode out = Json.mapper().createObjectNode();
            out.set("job", job);
            if (report != null) {
                out.set("report", Json.mapper().valueToTree(report));
            }
            System.out.println(Json.write(out));
        } else if (report != null) {
            ReportTable.print(report, System.out);
            String url = jobs.recommendedModelUrl(job);
            if (url != null) {
                System.out.println("download: " + url);
            }
        }
        if (state != JobState.DONE) {
            System.err.println("error: job " + id + " " + state + (job.hasNonNull("error") ? ": " + job.get("error").asText() : ""));
            return 1;
        }
        return 0;
    }
}
