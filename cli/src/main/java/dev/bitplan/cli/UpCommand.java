package dev.bitplan.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bitplan up}: the whole service on this machine, in the foreground, until Ctrl-C or SIGTERM.
 * Records itself in {@code ~/.bitplan/current-stack.json} so that submit / status / fetch find it.
 */
@Command(name = "up", sortOptions = false,
        description = "Start the whole service locally (embedded PostgreSQL and Kafka, api, search workers, evaluators); Ctrl-C stops it.")
final class UpCommand implements Callable<Integer> {

    @Option(names = "--data-dir", description = "database, Kafka log, blobs, logs and tokens (default ~/.bitplan/local)")
    Path dataDir;

    @Option(names = "--port", defaultValue = "8080", description = "api port (default 8080)")
    int port;

    @Option(names = "--postgres-port", defaultValue = "54329", description = "PostgreSQL port (default 54329)")
    int postgresPort;

    @Option(names = "--kafka-port", defaultValue = "29092", description = "Kafka port (default 29092)")
    int kafkaPort;

    @Option(names = "--search-workers", defaultValue = "1", description = "search worker processes (default 1)")
    int searchWorkers;

    @Option(names = "--evaluators", defaultValue = "1", description = "evaluator processes (default 1)")
    int evaluators;

    @Option(names = "--start-timeout", defaultValue = "180", description = "seconds to wait for the api to answer (default 180)")
    int startTimeout;

    @Option(names = "--demo", description = "then upload the MNIST sample, run a search job and print its results")
    boolean demo;

    @Option(names = "--exit-after-demo", description = "with --demo: stop everything after the demo")
    boolean exitAfterDemo;

    @Override
    public Integer call() {
        Path dir = (dataDir != null ? dataDir : UserFiles.defaultDataDir()).toAbsolutePath();
        LocalStack.Settings settings = new LocalStack.Settings(dir, port, postgresPort, kafkaPort, searchWorkers, evaluators,
                Duration.ofSeconds(startTimeout), Duration.ofSeconds(10), true);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        LocalStack[] running = new LocalStack[1]; // set before start, so a Ctrl-C during start stops what has started
        // Ctrl-C / SIGTERM: stop the children, Kafka and PostgreSQL, forget the current stack
        Thread hook = new Thread(() -> {
            stopping.set(true);
            stop(running[0]);
            stopped.countDown();
        }, "bitplan-up-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            LocalStack stack = new LocalStack(settings, m -> System.err.println("up: " + m));
            running[0] = stack;
            stack.start(StackLayout.repoRoot());
            String token = LocalTenant.ensure(stack, dir, System.err);
            PrivateFiles.writeJson(UserFiles.currentStack(),
                    Map.of("url", stack.url(), "token", token, "dataDir", dir.toString(), "pid", ProcessHandle.current().pid()));
            printBanner(stack, token);
            if (demo) {
                int code = new Demo(new JobClient(new ApiClient(stack.url(), token)), StackLayout.repoRoot()).run(System.out, System.err);
                if (exitAfterDemo || code != 0) {
                    return code;
                }
            }
            System.out.println("running; Ctrl-C stops everything");
            stopped.await();
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            if (stopped.getCount() > 0) { // returning normally (demo done, or a failure): stop now, not in the hook
                stopping.set(true);
                stop(running[0]);
                stopped.countDown();
                removeHook(hook);
            }
        }
    }

    private static void stop(LocalStack stack) {
        if (stack != null) {
            stack.close();
        }
        LocalTenant.forgetCurrent();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs and finds everything stopped
        }
    }

    private static void printBanner(LocalStack stack, String token) {
        System.out.println();
        System.out.println("BitPlan is running");
        System.out.println("  url:        " + stack.url());
        System.out.println("  dashboard:  " + stack.url() + "/  (sign in with the token below)");
        System.out.println("  swagger ui: " + stack.url() + "/q/swagger-ui");
        System.out.println("  token:      " + token);
        System.out.println("  data dir:   " + stack.dataDir());
        System.out.println("  logs:       " + stack.logDir());
        System.out.println("  try:        ./bitplan submit --model samples/mnist/resnet8_bn.onnx --data samples/mnist/mnist_test.npz "
                + "--max-size-ratio 0.5 --wait");
        System.out.println();
        System.out.flush();
    }
}
