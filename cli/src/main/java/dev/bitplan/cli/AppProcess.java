package dev.bitplan.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One packaged Quarkus app running as a child JVM, its stdout and stderr appended to its own log file. It can be
 * started again with the same command ({@link #restart()}), as the {@link ChildSupervisor} does when it dies; the
 * accessors then speak of the current process.
 */
final class AppProcess {

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path log;
    private final Path workDir;
    private volatile Process process;
    private volatile long startedNanos;

    private AppProcess(String name, List<String> command, Map<String, String> env, Path log, Path workDir) {
        this.name = name;
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.log = log;
        this.workDir = workDir;
    }

    /**
     * @param properties  config as {@code -D} system properties (MicroProfile config reads them first)
     * @param env         extra environment; secrets go here rather than on the command line, where {@code ps} shows them
     */
    static AppProcess start(String name, Path runJar, Map<String, String> properties, Map<String, String> env, Path log, Path workDir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String opts = System.getenv("BITPLAN_APP_JAVA_OPTS");
        if (opts != null && !opts.isBlank()) {
            cmd.addAll(List.of(opts.trim().split("\\s+")));
        }
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(runJar.toString());
        AppProcess app = new AppProcess(name, cmd, env, log, workDir);
        app.launch("starting");
        return app;
    }

    /** Starts the app again with the same command, environment and log (after it died). */
    void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running (pid " + process.pid() + ")");
        }
        launch("restarting");
    }

    private void launch(String what) {
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "==== bitplan up: " + what + " " + name + " at " + Instant.now() + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            process = pb.start();
            startedNanos = System.nanoTime();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + command.get(command.size() - 1) + ")", e);
        }
    }

    /** How long the current process has been running (or ran, once it exited). */
    java.time.Duration uptime() {
        return java.time.Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** The exit code, or -1 while it runs. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** SIGTERM: Quarkus runs its shutdown (consumers leave their groups, in-flight work stops). */
    void terminate() {
        process.destroy();
    }

    /** Waits until the deadline (nanoTime), then SIGKILL if it still runs. */
    void awaitOrKill(long deadlineNanos) {
        try {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                process.waitFor(left, TimeUnit.NANOSECONDS);
            }
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The log's last lines, to show why an app died. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ")";
        }
    }
}
