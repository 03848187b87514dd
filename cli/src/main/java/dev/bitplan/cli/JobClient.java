package dev.bitplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.json.Json;
import dev.bitplan.contracts.search.SearchReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Uploads, job submission and following a job to its end, over {@link ApiClient}; shared by submit, the demo and the jobs benchmark. */
final class JobClient {

    private final ApiClient api;

    JobClient(ApiClient api) {
        this.api = api;
    }

    ApiClient api() {
        return api;
    }

    /** Uploads a model under a name; when the name exists, adds the file as its next version. Returns the version object. */
    JsonNode uploadModel(Path file, String name) {
        try {
            return api.upload("/api/models", file, "name", name);
        } catch (ApiException e) {
            if (e.status() != 409) {
                throw e;
            }
            return api.upload("/api/models/" + name + "/versions", file);
        }
    }

    JsonNode uploadDataset(Path file, String name) {
        return api.upload("/api/datasets", file, "name", name);
    }

    /** {@code POST /api/jobs}; returns the job object. */
    JsonNode submit(String modelVersionId, String datasetId, String calibrationDatasetId, JobSpec spec) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("modelVersionId", modelVersionId);
        body.put("datasetId", datasetId);
        if (calibrationDatasetId != null) {
            body.put("calibrationDatasetId", calibrationDatasetId);
        }
        body.put("spec", spec);
        return api.postJson("/api/jobs", body);
    }

    JsonNode job(String id) {
        return api.get("/api/jobs/" + id);
    }

    SearchReport report(String id) {
        return Json.read(api.getText("/api/jobs/" + id + "/report"), SearchReport.class);
    }

    /** Polls the job every second until it is DONE, FAILED or CANCELLED, printing a line to {@code err} whenever it moves. */
    JsonNode await(String id, PrintStream err, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        String last = null;
        while (true) {
            JsonNode job = job(id);
            String line = progressLine(job);
            if (err != null && !line.equals(last)) {
                err.println(line);
                last = line;
            }
            if (state(job).terminal()) {
                return job;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new CommandFailure("job " + id + " is still " + state(job) + " after " + timeoutMillis / 1000
                        + " s; follow it with ./bitplan status " + id, 1);
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandFailure("interrupted while waiting for job " + id, 1, e);
            }
        }
    }

    static JobState state(JsonNode job) {
        return JobState.valueOf(job.path("state").asText("QUEUED"));
    }

    /** {@code [job-id] EVALUATING evaluation 3/9 (33%, eta 12 s)}. */
    static String progressLine(JsonNode job) {
        StringBuilder sb = new StringBuilder("[" + job.path("id").asText() + "] " + job.path("state").asText());
        if (job.hasNonNull("stage")) {
            sb.append(' ').append(job.get("stage").asText());
        }
        JsonNode p = job.path("progress");
        if (p.hasNonNull("total") && p.path("total").asLong() > 0) {
            sb.append(' ').append(p.path("done").asLong()).append('/').append(p.path("total").asLong());
        }
        if (job.hasNonNull("percent")) {
            sb.append(String.format(Locale.ROOT, " (%.0f%%", job.get("percent").asDouble()));
            sb.append(job.hasNonNull("etaSeconds") ? ", eta " + job.get("etaSeconds").asLong() + " s)" : ")");
        }
        if (job.hasNonNull("error")) {
            sb.append(": ").append(job.get("error").asText());
        }
        return sb.toString();
    }

    /** The recommended candidate's download URL, or null. */
    String recommendedModelUrl(JsonNode job) {
        if (!job.hasNonNull("recommended")) {
            return null;
        }
        String rec = job.get("recommended").asText();
        return api.url() + "/api/candidates/" + (rec.contains(":") ? rec : job.get("id").asText() + ":" + rec) + "/model";
    }

    static String baseName(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
