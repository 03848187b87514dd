package dev.bitplan.engine.eval;

/** Receives progress of long steps (calibration, evaluation runs): the CLI prints it, services publish it. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = (stage, done, total) -> { };

    void progress(String stage, int done, int total);
}
