package dev.bitplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bitplan.contracts.job.JobSpec;
import dev.bitplan.contracts.job.JobState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bitplan bench jobs}: N small MNIST jobs submitted at once to a service (its own local stack in a temp dir
 * unless --url is given); throughput and submit-to-DONE times.
 */
@Command(name = "jobs", sortOptions = false, description = "Submit N MNIST jobs at once to the service; jobs per minute and submit-to-DONE times.")
final class JobsBenchmark implements Callable<Integer> {

    @Option(names = "--jobs", defaultValue = "4", description = "jobs submitted at once (default 4)")
    int jobs;

    @Option(names = "--url", description = "a running service (default: start a local stack in a temp dir)")
    String url;

    @Option(names = "--token", description = "API token for --url (default: $BITPLAN_TOKEN)")
    String token;

    @Option(names = "--search-workers", defaultValue = "1", description = "for the own stack: search workers (default 1)")
    int searchWorkers;

    @Option(names = "--evaluators", defaultValue = "1", description = "for the own stack: evaluators (default 1)")
    int evaluators;

    @Option(names = "--timeout", defaultValue = "1800", description = "seconds to wait for all jobs (default 1800)")
    long timeout;

    @Option(names = "--out", defaultValue = "docs/BENCHMARKS.md", description = "file to record the figures in")
    Path out;

    @Override
    public Integer call() {
        if (jobs < 1) {
            throw new IllegalArgumentException("--jobs must be at least 1");
        }
        if (url != null) {
            ServiceTarget.Resolved r = ServiceTarget.resolve(url, token, System.getenv(), Path.of("/nonexistent"));
            return measure(new JobClient(new ApiClient(r.url(), r.token())), "--url " + r.url());
        }
        Path dir = tempDir();
        LocalStack stack = new LocalStack(new LocalStack.Settings(dir, 0, 0, 0, searchWorkers, evaluators, Duration.ofSeconds(180),
                Duration.ofSeconds(10), true), m -> System.err.println("bench: " + m));
        Thread hook = new Thread(stack::close, "bench-jobs-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stack.start(StackLayout.repoRoot());
            String t = LocalTenant.ensure(stack, dir, System.err);
            if (t == null) {
                throw new CommandFailure("this api does not serve tenants and jobs yet", 1);
            }
            return measure(new JobClient(new ApiClient(stack.url(), t)),
                    "own local stack, " + searchWorkers + " search worker(s), " + evaluators + " evaluator(s)");
        } finally {
            stack.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down already
            }
            dev.bitplan.stack.LocalResources.deleteQuietly(dir);
        }
    }

    private int measure(JobClient client, String where) {
        Demo sample = new Demo(client, StackLayout.repoRoot());
        Map<String, Long> submitted = new LinkedHashMap<>();
        long start = System.nanoTime();
        for (int i = 0; i < jobs; i++) {
            JobSpec spec = withSeed(Demo.SPEC, i); // distinct seeds: no job is a copy of another
            submitted.put(sample.submit(spec).path("id").asText(), System.nanoTime());
        }
        System.err.println("bench: submitted " + jobs + " jobs");
        Map<String, Long> finished = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        long deadline = start + Duration.ofSeconds(timeout).toNanos();
        while (finished.size() + failed.size() < jobs) {
            for (String id : submitted.keySet()) {
                if (finished.containsKey(id) || failed.containsKey(id)) {
                    continue;
                }
                JsonNode job = client.job(id);
                JobState state = JobClient.state(job);
                if (state == JobState.DONE) {
                    finished.put(id, System.nanoTime());
                    System.err.println(JobClient.progressLine(job));
                } else if (state.terminal()) {
                    failed.put(id, state + (job.hasNonNull("error") ? ": " + job.get("error").asText() : ""));
                    System.err.println(JobClient.progressLine(job));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new CommandFailure((jobs - finished.size() - failed.size()) + " jobs still running after " + timeout + " s", 1);
            }
            LocalStack.sleep(500);
        }
        List<Double> seconds = new ArrayList<>();
        finished.forEach((id, end) -> seconds.add((end - submitted.get(id)) / 1e9));
        seconds.sort(Comparator.naturalOrder());
        double wall = (finished.values().stream().mapToLong(Long::longValue).max().orElse(System.nanoTime()) - start) / 1e9;
        String md = markdown(where, seconds, wall, failed);
        System.out.println(md);
        BenchmarksFile.writeSection(out, "jobs", md);
        return failed.isEmpty() ? 0 : 1;
    }

    private String markdown(String where, List<Double> seconds, double wall, Map<String, String> failed) {
        StringBuilder sb = new StringBuilder("## Jobs: " + jobs + " MNIST jobs at once through the service\n\n");
        sb.append(String.format(Locale.ROOT, "`./bitplan bench jobs --jobs %d` on %s, %d cores, %s. Each job: resnet8_bn on mnist_test.npz "
                + "(calibration mnist_calib.npz), max size 50%% of FP32, %d candidates, %d sensitivity samples, %d latency runs; "
                + "seeds 0..%d.%n%n", jobs, LocalDate.now(), Runtime.getRuntime().availableProcessors(), where, Demo.SPEC.candidates(),
                Demo.SPEC.sensitivitySamples(), Demo.SPEC.latencyRuns(), jobs - 1));
        sb.append("| jobs DONE | failed | wall s | jobs / min | median s (submit to DONE) | max s |\n|---|---|---|---|---|---|\n");
        sb.append(String.format(Locale.ROOT, "| %d | %d | %.1f | %.2f | %s | %s |%n", seconds.size(), failed.size(), wall,
                seconds.isEmpty() ? 0.0 : 60.0 * seconds.size() / wall, seconds.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f", median(seconds)),
                seconds.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f", seconds.get(seconds.size() - 1))));
        failed.forEach((id, why) -> sb.append("\nfailed: ").append(id).append(' ').append(why));
        return sb.toString();
    }

    static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static JobSpec withSeed(JobSpec s, long seed) {
        return new JobSpec(s.method(), s.metric(), s.budgets(), s.space(), s.quantization(), s.candidates(), seed,
                s.calibrationSamples(), s.sensitivitySamples(), s.latencyRuns(), s.latencyBatch());
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("bitplan-bench-jobs");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp directory", e);
        }
    }
}
