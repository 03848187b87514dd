package dev.bitplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bitplan.contracts.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bitplan status JOB}: where a job stands. */
@Command(name = "status", sortOptions = false, description = "Show a job's state and progress.")
final class StatusCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "JOB", description = "job id")
    String jobId;

    @Option(names = "--json", description = "print the job object as JSON")
    boolean json;

    @Mixin
    ServiceTarget target;

    @Override
    public Integer call() {
        JsonNode job = new JobClient(target.client()).job(jobId);
        if (json) {
            System.out.println(Json.write(job));
            return 0;
        }
        System.out.println(JobClient.progressLine(job));
        Tables t = new Tables("field", "value");
        for (String f : new String[] {"model", "version", "modelVersionId", "datasetId", "candidatesDone", "candidatesExpected",
                "recommended", "createdAt", "updatedAt", "finishedAt"}) {
            if (job.hasNonNull(f)) {
                t.row(f, job.get(f).asText());
            }
        }
        t.print(System.out);
        if ("DONE".equals(job.path("state").asText())) {
            System.out.println("results: ./bitplan fetch " + jobId + " --out DIR");
        }
        return 0;
    }
}
