package dev.bitplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.job.Method;
import dev.bitplan.contracts.job.JobState;
import dev.bitplan.contracts.search.SearchBudgets;
import dev.bitplan.contracts.search.SearchReport;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code bitplan up --demo}: the MNIST sample through the running service, as a user would do it with submit: upload,
 * one job at half the FP32 size, progress while it runs, then the result table and the recommended model's URL.
 */
final class Demo {

    /** Small but honest: the real search and evaluation, sized to finish in about a minute on 2 cores. */
    static final JobSpec SPEC = new JobSpec(Method.PTQ, null, new SearchBudgets(null, 0.5, null, null, null, null), null, null,
            6, 0L, 256, 256, 20, null);

    private final JobClient jobs;
    private final Path samples;

    Demo(JobClient jobs, Path repo) {
        this.jobs = jobs;
        this.samples = repo.resolve("samples/mnist");
    }

    Path model() {
        return samples.resolve("resnet8_bn.onnx");
    }

    Path data() {
        return samples.resolve("mnist_test.npz");
    }

    Path calibration() {
        return samples.resolve("mnist_calib.npz");
    }

    /** Uploads the sample (once per run) and submits one job; returns the job object. */
    JsonNode submit(JobSpec spec) {
        for (Path f : new Path[] {model(), data(), calibration()}) {
            if (!Files.isRegularFile(f)) {
                throw new CommandFailure("the demo sample " + f + " is missing", 1);
            }
        }
        String version = jobs.uploadModel(model(), "resnet8_bn").path("versionId").asText();
        String data = jobs.uploadDataset(data(), "mnist_test").path("id").asText();
        String calib = jobs.uploadDataset(calibration(), "mnist_calib").path("id").asText();
        return jobs.submit(version, data, calib, spec);
    }

    /** 0 when the job is DONE. */
    int run(PrintStream out, PrintStream err) {
        err.println("demo: uploading the MNIST sample (resnet8_bn.onnx, mnist_test.npz, mnist_calib.npz) and submitting a job "
                + "(max size 50% of FP32)");
        JsonNode job = submit(SPEC);
        String id = job.path("id").asText();
        err.println("demo: job " + id + " (" + jobs.api().url() + "/api/jobs/" + id + ")");
        JsonNode done = jobs.await(id, err, 30 * 60_000L);
        if (JobClient.state(done) != JobState.DONE) {
            err.println("demo: job " + id + " ended " + done.path("state").asText()
                    + (done.hasNonNull("error") ? ": " + done.get("error").asText() : ""));
            return 1;
        }
        SearchReport report = jobs.report(id);
        out.println();
        ReportTable.print(report, out);
        String url = jobs.recommendedModelUrl(done);
        out.println(url != null ? "download the recommended model: " + url : "no candidate met every budget");
        out.println("results on disk: ./bitplan fetch " + id + " --out DIR");
        out.flush();
        return 0;
    }
}
