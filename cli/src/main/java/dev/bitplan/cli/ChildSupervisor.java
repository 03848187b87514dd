package dev.bitplan.cli;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Restarts the stack's child processes when they die, as a process supervisor would: after 1 s, doubling up to 30 s
 * while a child keeps dying soon after its start, back to 1 s once it has run a minute; each exit and restart is a
 * log line. {@link #close()} stops it before the stack stops its children, so a deliberate stop is not undone.
 */
final class ChildSupervisor implements AutoCloseable {

    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofSeconds(30);
    /** A child that ran this long before it died is restarted after {@link #FIRST_DELAY} again. */
    static final Duration STABLE_AFTER = Duration.ofMinutes(1);

    private final Consumer<String> log;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bitplan-up-supervisor");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Integer> quickDeaths = new ConcurrentHashMap<>();
    private final Map<String, Integer> restarts = new ConcurrentHashMap<>();
    private boolean closed;

    ChildSupervisor(Consumer<String> log) {
        this.log = log;
    }

    /** Restarts {@code app} whenever its current process exits, until {@link #close()}. */
    void watch(AppProcess app) {
        app.handle().onExit().thenRun(() -> exited(app));
    }

    /** How often {@code app} was restarted. */
    int restarts(String app) {
        return restarts.getOrDefault(app, 0);
    }

    private synchronized void exited(AppProcess app) {
        if (closed) {
            return;
        }
        int streak = app.uptime().compareTo(STABLE_AFTER) >= 0 ? 1 : quickDeaths.merge(app.name(), 1, Integer::sum);
        quickDeaths.put(app.name(), streak);
        Duration delay = delay(streak);
        log.accept(app.name() + " exited (code " + app.exitCode() + ") after " + app.uptime().toSeconds() + " s; restarting it in "
                + delay.toMillis() / 1000.0 + " s (see " + app.log() + ")");
        timer.schedule(() -> restart(app), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void restart(AppProcess app) {
        if (closed) {
            return;
        }
        try {
            app.restart();
            int n = restarts.merge(app.name(), 1, Integer::sum);
            log.accept(app.name() + " restarted (pid " + app.pid() + ", restart " + n + ")");
            watch(app);
        } catch (RuntimeException e) {
            int streak = quickDeaths.merge(app.name(), 1, Integer::sum);
            Duration delay = delay(streak);
            log.accept("cannot restart " + app.name() + " (" + e.getMessage() + "); trying again in " + delay.toSeconds() + " s");
            timer.schedule(() -> restart(app), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** 1 s, 2 s, 4 s, ... for the first, second, third quick death in a row, at most {@link #MAX_DELAY}. */
    static Duration delay(int streak) {
        Duration d = FIRST_DELAY;
        for (int i = 1; i < streak && d.compareTo(MAX_DELAY) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
    }

    /** No restart from now on; a restart already running finishes first. */
    @Override
    public synchronized void close() {
        closed = true;
        timer.shutdownNow();
    }
}
