package dev.bitplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bitplan.contracts.config.ConfigKeys;
import dev.bitplan.messaging.TopicSetup;
import dev.bitplan.stack.LocalKafka;
import dev.bitplan.stack.LocalPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The whole service on one machine without Docker: embedded PostgreSQL and an in-JVM Kafka broker in this JVM,
 * the api, search workers and evaluators as child JVMs of their packaged apps. {@link #close()} stops the
 * children (SIGTERM, then SIGKILL after a grace period), then Kafka, then PostgreSQL.
 */
final class LocalStack implements AutoCloseable {

    /**
     * How to run it; ports of 0 pick free ones.
     *
     * @param restartChildren  restart a child process that dies ({@link ChildSupervisor}), as {@code bitplan up} does
     */
    record Settings(Path dataDir, int apiPort, int postgresPort, int kafkaPort, int searchWorkers, int evaluators,
                    Duration startTimeout, Duration stopGrace, boolean restartChildren) {

        Settings {
            if (searchWorkers < 1 || evaluators < 1) {
                throw new IllegalArgumentException("--search-workers and --evaluators must be at least 1");
            }
        }
    }

    private final Settings settings;
    private final Consumer<String> log;
    private final List<AppProcess> apps = new ArrayList<>();
    private final ChildSupervisor supervisor;
    private LocalPostgres postgres;
    private LocalKafka kafka;
    private StackSecrets secrets;
    private volatile int apiPort;
    private volatile int postgresPort;
    private volatile int kafkaPort;
    private boolean closed;

    /** A stack not started yet: a shutdown hook may {@link #close()} it while {@link #start(Path)} runs. */
    LocalStack(Settings settings, Consumer<String> log) {
        this.settings = settings;
        this.log = log;
        this.supervisor = new ChildSupervisor(log);
    }

    /** Starts and returns a stack; see {@link #start(Path)}. */
    static LocalStack start(Path repo, Settings settings, Consumer<String> log) {
        LocalStack stack = new LocalStack(settings, log);
        stack.start(repo);
        return stack;
    }

    /** Starts everything and returns once the api answers {@code GET /api/info}; on failure stops what had started. */
    void start(Path repo) {
        try {
            startAll(repo);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startAll(Path repo) {
        Path apiJar = StackLayout.runJar(repo, StackLayout.API);
        Path workerJar = StackLayout.runJar(repo, StackLayout.SEARCH_WORKER);
        Path evaluatorJar = StackLayout.runJar(repo, StackLayout.EVALUATOR);
        Path dir = settings.dataDir().toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dir, e);
        }
        secrets = StackSecrets.loadOrCreate(dir.resolve("secrets.json"));
        log.accept("starting PostgreSQL (data in " + dir.resolve("postgres") + ")");
        LocalPostgres pg = LocalPostgres.start(dir.resolve("postgres"), settings.postgresPort());
        keep(pg);
        postgres = pg;
        postgresPort = pg.port();
        log.accept("starting Kafka (log in " + dir.resolve("kafka") + ")");
        LocalKafka k = LocalKafka.start(dir.resolve("kafka"), settings.kafkaPort());
        keep(k);
        kafka = k;
        kafkaPort = Integer.parseInt(k.bootstrapServers().substring(k.bootstrapServers().lastIndexOf(':') + 1));
        TopicSetup.ensure(kafka.bootstrapServers());
        apiPort = settings.apiPort() > 0 ? settings.apiPort() : dev.bitplan.stack.LocalResources.freePort();
        requireFree(apiPort);

        log.accept("starting api on port " + apiPort);
        Map<String, String> api = common();
        api.put("quarkus.http.host", "127.0.0.1"); // a local stack: not reachable from the network
        api.put("quarkus.http.port", String.valueOf(apiPort));
        api.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
        api.put("quarkus.datasource.username", LocalPostgres.USER);
        api.put("quarkus.datasource.password", postgres.password());
        api.put(ConfigKeys.API_INSTANCE_ID, "api"); // one api per stack: a restarted api takes its partitions back at once
        launch(() -> AppProcess.start(StackLayout.API, apiJar, api,
                Map.of("BITPLAN_ADMIN_TOKEN", secrets.adminToken(), "BITPLAN_INTERNAL_TOKEN", secrets.internalToken()),
                logFile(StackLayout.API), dir));
        for (int i = 1; i <= settings.searchWorkers(); i++) {
            startWorker(StackLayout.SEARCH_WORKER, i, workerJar, dir);
        }
        for (int i = 1; i <= settings.evaluators(); i++) {
            startWorker(StackLayout.EVALUATOR, i, evaluatorJar, dir);
        }
        awaitApi();
        if (settings.restartChildren()) {
            apps().forEach(supervisor::watch);
        }
    }

    /** The supervisor that restarts dead children (watching only when {@link Settings#restartChildren()}). */
    ChildSupervisor supervisor() {
        return supervisor;
    }

    private void startWorker(String app, int index, Path jar, Path dir) {
        String id = app + "-" + index;
        Map<String, String> p = common();
        p.put(ConfigKeys.API_URL, url());
        p.put(ConfigKeys.WORKER_ID, id);
        p.put(ConfigKeys.CACHE_DIR, dir.resolve("cache").resolve(id).toString());
        p.put("quarkus.http.port", "0"); // should a worker serve HTTP (health), several must not fight over one port
        launch(() -> AppProcess.start(id, jar, p, Map.of("BITPLAN_INTERNAL_TOKEN", secrets.internalToken()), logFile(id), dir));
    }

    /** Starts a child unless the stack was closed meanwhile, so a Ctrl-C during start leaves no orphan behind. */
    private synchronized void launch(java.util.function.Supplier<AppProcess> starter) {
        if (closed) {
            throw new CommandFailure("stopped while starting", 1);
        }
        apps.add(starter.get());
    }

    /** Closes a just-started server at once when the stack was closed while it started. */
    private synchronized void keep(AutoCloseable server) {
        if (closed) {
            try {
                server.close();
            } catch (Exception e) {
                log.accept("warning: " + e.getMessage());
            }
            throw new CommandFailure("stopped while starting", 1);
        }
    }

    private Map<String, String> common() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(ConfigKeys.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
        p.put("quarkus.devservices.enabled", "false");
        return p;
    }

    /** Polls {@code /api/info} until 200; fails at once, naming the log, when any app exits meanwhile. */
    private void awaitApi() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest info = HttpRequest.newBuilder(URI.create(url() + "/api/info")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        while (true) {
            checkAlive("during start");
            try {
                if (http.send(info, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    checkAlive("during start");
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandFailure("interrupted while waiting for the api", 1, e);
            }
            if (System.nanoTime() > deadline) {
                throw new CommandFailure("the api did not answer " + url() + "/api/info within " + settings.startTimeout().toSeconds()
                        + " s; see " + logFile(StackLayout.API), 1);
            }
            sleep(250);
        }
    }

    /** Throws, with the end of its log, when an app has exited. */
    void checkAlive(String when) {
        for (AppProcess app : apps) {
            if (!app.alive()) {
                throw new CommandFailure(app.name() + " exited (code " + app.exitCode() + ") " + when + "; see " + app.log()
                        + "\n--- last lines of " + app.log().getFileName() + " ---\n" + app.logTail(20), 1);
            }
        }
    }

    /** Stops PostgreSQL and starts it again (same port, same data), for fault tests. */
    synchronized void restartPostgres() {
        restartPostgres(Duration.ZERO);
    }

    /** The same, with the database away for {@code away} in between (an outage). */
    synchronized void restartPostgres(Duration away) {
        log.accept("restarting PostgreSQL" + (away.isZero() ? "" : " after " + away.toSeconds() + " s away"));
        postgres.close();
        dev.bitplan.stack.LocalResources.sleep(away);
        postgres = LocalPostgres.start(dataDir().resolve("postgres"), postgresPort);
    }

    /** Stops the broker and starts it again (same port, same log), for fault tests. */
    void restartKafka() {
        restartKafka(Duration.ZERO);
    }

    /** The same, with the broker away for {@code away} in between (an outage). */
    void restartKafka(Duration away) {
        log.accept("restarting Kafka" + (away.isZero() ? "" : " after " + away.toSeconds() + " s away"));
        kafka.restart(away);
    }

    String url() {
        return "http://localhost:" + apiPort;
    }

    StackSecrets secrets() {
        return secrets;
    }

    synchronized List<AppProcess> apps() {
        return List.copyOf(apps);
    }

    int apiPort() {
        return apiPort;
    }

    int postgresPort() {
        return postgresPort;
    }

    int kafkaPort() {
        return kafkaPort;
    }

    Path logDir() {
        return settings.dataDir().toAbsolutePath().resolve("logs");
    }

    Path dataDir() {
        return settings.dataDir().toAbsolutePath();
    }

    /** The info JSON of the running api (for checks and the banner). */
    JsonNode info() {
        return new ApiClient(url(), null).get("/api/info");
    }

    private Path logFile(String app) {
        return logDir().resolve(app + ".log");
    }

    /** Children in parallel: SIGTERM to all, wait up to the grace period, SIGKILL what is left; then Kafka, then PostgreSQL. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        supervisor.close(); // before the children stop: their exits now are wanted
        if (!apps.isEmpty()) {
            log.accept("stopping " + apps.size() + " app processes");
        }
        apps.forEach(AppProcess::terminate);
        long deadline = System.nanoTime() + settings.stopGrace().toNanos();
        apps.forEach(a -> a.awaitOrKill(deadline));
        if (kafka != null) {
            log.accept("stopping Kafka");
            quietly(kafka::close);
        }
        if (postgres != null) {
            log.accept("stopping PostgreSQL");
            quietly(postgres::close);
        }
    }

    private void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.accept("warning: " + e.getMessage());
        }
    }

    private static void requireFree(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            s.setReuseAddress(true);
        } catch (IOException e) {
            throw new CommandFailure("port " + port + " is in use: is another stack running? Choose another with --port", 2);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted", 1, e);
        }
    }
}
