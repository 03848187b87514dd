package dev.bitplan.cli;

import dev.bitplan.engine.eval.ProgressListener;
import java.io.PrintStream;
import java.util.Objects;

/** Prints progress to stderr: at most one line a second per stage, and always the stage's last line. */
final class ProgressPrinter implements ProgressListener {

    private final PrintStream err;
    private String stage;
    private long lastPrint;

    ProgressPrinter(PrintStream err) {
        this.err = err;
    }

    @Override
    public synchronized void progress(String stage, int done, int total) {
        long now = System.currentTimeMillis();
        boolean newStage = !Objects.equals(stage, this.stage);
        if (newStage || done == total || now - lastPrint >= 1000) {
            err.printf("[%s] %d/%d%n", stage, done, total);
            lastPrint = now;
            this.stage = stage;
        }
    }

    void message(String text) {
        err.println(text);
    }
}
