package dev.bitplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
 * {@code bitplan bench jobs}: N jobs submitted at once to a service (its own local stack in a temp dir unless --url
 * is given), mixed over the MNIST and Fashion-MNIST fixtures, budgets, seeds and two tenants; throughput, submit-to-DONE
 * times, each process's peak memory, and whether any job was searched or any candidate evaluated twice.
 */
@Command(name = "jobs", sortOptions = false, description = "Submit N mixed jobs at once to the service; jobs per minute, "
        + "p50/p95 submit-to-DONE, peak memory per process, and a check that no work was done twice.")
final class JobsBenchmark implements Callable<Integer> {

    @Option(names = "--jobs", defaultValue = "50", description = "jobs submitted at once (default 50)")
    int jobs;

    @Option(names = "--url", description = "a running service (default: start a local stack in a temp dir)")
    String url;

    @Option(names = "--token", description = "API token for --url (default: $BITPLAN_TOKEN)")
    String token;

    @Option(names = "--second-token", description = "for --url: a second tenant's token (default: one tenant only)")
    String secondToken;

    @Option(names = "--search-workers", defaultValue = "2", description = "for the own stack: search workers (default 2)")
    int searchWorkers;

    @Option(names = "--evaluators", defaultValue = "2", description = "for the own stack: evaluators (default 2)")
    int evaluators;

    @Option(names = "--fixtures", description = "the shared fixtures directory, for Fashion-MNIST (default: ../shared/fixtures "
            + "beside the repository; MNIST only when absent)")
    Path fixtures;

    @Option(names = "--mnist-only", description = "MNIST jobs only (the quicker fixture; the CI test uses it)")
    boolean mnistOnly;

    @Option(names = "--timeout", defaultValue = "3600", description = "seconds to wait for all jobs (default 3600)")
    long timeout;

    @Option(names = "--out", defaultValue = "docs/BENCHMARKS.md", description = "file to record the figures in")
    Path out;

    /** A tenant's client and the ids of its uploaded fixtures. */
    private record Tenant(String name, JobClient client, Map<String, String[]> uploads) {
    }

    /** What one run measured. */
    record Outcome(int submitted, Map<String, Double> doneSeconds, Map<String, String> failed, double wallSeconds,
                   Map<String, Long> peakRss, DeliveryCounts deliveries) {
    }

    @Override
    public Integer call() {
        if (jobs < 1) {
            throw new IllegalArgumentException("--jobs must be at least 1");
        }
        Path repo = StackLayout.repoRoot();
        List<LoadMix.Fixture> fx = LoadMix.fixtures(repo, fixtures != null ? fixtures : repo.resolve("../shared/fixtures").normalize());
        if (mnistOnly) {
            fx = fx.subList(0, 1);
        }
        if (url != null) {
            ServiceTarget.Resolved r = ServiceTarget.resolve(url, token, System.getenv(), Path.of("/nonexistent"));
            List<Tenant> tenants = new ArrayList<>();
            tenants.add(new Tenant("first", new JobClient(new ApiClient(r.url(), r.token())), new LinkedHashMap<>()));
            if (secondToken != null) {
                tenants.add(new Tenant("second", new JobClient(new ApiClient(r.url(), secondToken)), new LinkedHashMap<>()));
            }
            return report(measure(tenants, fx, null), "--url " + r.url(), fx, tenants.size());
        }
        Path dir = tempDir();
        LocalStack stack = new LocalStack(new LocalStack.Settings(dir, 0, 0, 0, searchWorkers, evaluators, Duration.ofSeconds(180),
                Duration.ofSeconds(10), true), m -> System.err.println("bench: " + m));
        Thread hook = new Thread(stack::close, "bench-jobs-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stack.start(repo);
            List<Tenant> tenants = List.of(tenant(stack, "bench-a"), tenant(stack, "bench-b"));
            return report(measure(tenants, fx, stack), "own local stack, " + searchWorkers + " search workers, " + evaluators
                    + " evaluators", fx, tenants.size());
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

    /** A new tenant on the own stack, through the admin endpoints, as an operator would make one. */
    private static Tenant tenant(LocalStack stack, String name) {
        ApiClient admin = new ApiClient(stack.url(), stack.secrets().adminToken());
        String id = admin.postJson("/api/tenants", Map.of("name", name)).path("id").asText();
        String t = admin.postJson("/api/tenants/" + id + "/tokens", Map.of("name", name)).path("token").asText();
        return new Tenant(name, new JobClient(new ApiClient(stack.url(), t)), new LinkedHashMap<>());
    }

    private Outcome measure(List<Tenant> tenants, List<LoadMix.Fixture> fx, LocalStack stack) {
        List<LoadMix.Workload> mix = LoadMix.of(jobs, fx, tenants.stream().map(Tenant::name).toList());
        Map<String, Tenant> byName = new LinkedHashMap<>();
        tenants.forEach(t -> byName.put(t.name(), t));
        for (Tenant t : tenants) { // each tenant uploads its own files: tenants see only their own
            for (LoadMix.Fixture f : fx) {
                t.uploads().put(f.name(), new String[] {
                    t.client().uploadModel(f.model(), "bench-" + f.name()).path("versionId").asText(),
                    t.client().uploadDataset(f.data(), "bench-" + f.name() + "-test").path("id").asText(),
                    t.client().uploadDataset(f.calibration(), "bench-" + f.name() + "-calib").path("id").asText()});
            }
        }
        Map<String, Long> submittedAt = new LinkedHashMap<>();
        Map<String, Tenant> owner = new LinkedHashMap<>();
        long start = System.nanoTime();
        for (LoadMix.Workload w : mix) {
            Tenant t = byName.get(w.tenant());
            String[] ids = t.uploads().get(w.fixture().name());
            String id = t.client().submit(ids[0], ids[1], ids[2], w.spec()).path("id").asText();
            submittedAt.put(id, System.nanoTime());
            owner.put(id, t);
        }
        System.err.println("bench: submitted " + jobs + " jobs");
        Map<String, Double> done = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        long deadline = start + Duration.ofSeconds(timeout).toNanos();
        long lastEnd = start;
        while (done.size() + failed.size() < jobs) {
            for (Tenant t : tenants) { // one listing per tenant per round, not one request per job
                for (JsonNode job : t.client().api().get("/api/jobs?limit=500")) {
                    String id = job.path("id").asText();
                    if (!submittedAt.containsKey(id) || done.containsKey(id) || failed.containsKey(id)) {
                        continue;
                    }
                    JobState state = JobClient.state(job);
                    if (state == JobState.DONE) {
                        lastEnd = System.nanoTime();
                        done.put(id, (lastEnd - submittedAt.get(id)) / 1e9);
                        System.err.println("bench: " + (done.size() + failed.size()) + "/" + jobs + " " + JobClient.progressLine(job));
                    } else if (state.terminal()) {
                        failed.put(id, state + (job.hasNonNull("error") ? ": " + job.get("error").asText() : ""));
                        System.err.println("bench: " + (done.size() + failed.size()) + "/" + jobs + " " + JobClient.progressLine(job));
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new CommandFailure((jobs - done.size() - failed.size()) + " jobs still running after " + timeout + " s", 1);
            }
            LocalStack.sleep(1000);
        }
        double wall = (lastEnd - start) / 1e9;
        Map<String, Long> peaks = new LinkedHashMap<>();
        DeliveryCounts deliveries = null;
        if (stack != null) {
            for (AppProcess app : stack.apps()) {
                ProcessPeaks.peakRss(app.pid()).ifPresent(b -> peaks.put(app.name(), b));
            }
            ProcessPeaks.peakRss(ProcessHandle.current().pid()).ifPresent(b -> peaks.put("bench (Kafka broker in-JVM)", b));
            ProcessPeaks.postgresPeakSum(stack.dataDir().resolve("postgres")).ifPresent(b -> peaks.put("PostgreSQL (sum of its processes)", b));
            deliveries = DeliveryCounts.read("localhost:" + stack.kafkaPort(), submittedAt.keySet());
        }
        return new Outcome(jobs, done, failed, wall, peaks, deliveries);
    }

    private int report(Outcome o, String where, List<LoadMix.Fixture> fx, int tenants) {
        String md = markdown(o, where, fx, tenants);
        System.out.println(md);
        BenchmarksFile.writeSection(out, "jobs", md);
        boolean once = o.deliveries() == null || o.deliveries().repeats().isEmpty();
        return o.failed().isEmpty() && once ? 0 : 1;
    }

    private String markdown(Outcome o, String where, List<LoadMix.Fixture> fx, int tenants) {
        List<Double> seconds = new ArrayList<>(o.doneSeconds().values());
        seconds.sort(Comparator.naturalOrder());
        StringBuilder sb = new StringBuilder("## Jobs: " + o.submitted() + " jobs at once through the service\n\n");
        sb.append(String.format(Locale.ROOT, "`./bitplan bench jobs --jobs %d` on %s, %s, %d cores. Job i: fixture %s in turn, "
                + "%d tenants in turn, max size %s of FP32 in turn, seed i; 4 candidates, 256 calibration and 128 sensitivity "
                + "samples, 10 latency runs, scored on the fixture's whole test set.%n%n", o.submitted(), LocalDate.now(), where,
                Runtime.getRuntime().availableProcessors(), String.join(" / ", fx.stream().map(LoadMix.Fixture::name).toList()),
                tenants, ratios()));
        sb.append("| jobs DONE | failed | wall s | jobs / min | p50 s (submit to DONE) | p95 s | max s |\n|---|---|---|---|---|---|---|\n");
        sb.append(String.format(Locale.ROOT, "| %d | %d | %.1f | %.2f | %s | %s | %s |%n", seconds.size(), o.failed().size(), o.wallSeconds(),
                seconds.isEmpty() ? 0.0 : 60.0 * seconds.size() / o.wallSeconds(), pct(seconds, 0.50), pct(seconds, 0.95),
                pct(seconds, 1.0)));
        if (!o.peakRss().isEmpty()) {
            sb.append("\n| process | peak resident memory (MiB) |\n|---|---|\n");
            o.peakRss().forEach((name, bytes) -> sb.append(String.format(Locale.ROOT, "| %s | %.0f |%n", name, bytes / 1048576.0)));
        }
        if (o.deliveries() != null) {
            List<String> repeats = o.deliveries().repeats();
            int candidates = o.deliveries().evaluations().size();
            sb.append(String.format(Locale.ROOT, "%nWork done twice: %s (read back from the topics: %d profiles for %d jobs, %d evaluation "
                    + "results for %d candidates).%n", repeats.isEmpty() ? "none" : String.join(", ", repeats),
                    o.deliveries().profiles().values().stream().mapToInt(Integer::intValue).sum(), o.submitted(),
                    o.deliveries().evaluations().values().stream().mapToInt(Integer::intValue).sum(), candidates));
        } else {
            sb.append("\nWork done twice: not checked (--url: the bench cannot read the service's topics).\n");
        }
        o.failed().forEach((id, why) -> sb.append("\nfailed: ").append(id).append(' ').append(why));
        return sb.toString();
    }

    private static String ratios() {
        List<String> r = new ArrayList<>();
        for (double d : LoadMix.SIZE_RATIOS) {
            r.add(String.format(Locale.ROOT, "%.0f%%", d * 100));
        }
        return String.join(" / ", r);
    }

    /** The nearest-rank percentile of sorted values, formatted; "-" when there are none. */
    static String pct(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return "-";
        }
        int rank = (int) Math.ceil(p * sorted.size());
        return String.format(Locale.ROOT, "%.1f", sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1)));
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("bitplan-bench-jobs");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp directory", e);
        }
    }
}
