package dev.bitplan.api.service;

import java.time.Duration;
import java.time.Instant;

/** Time left in the current stage, from the rate of progress since the stage began. */
public final class EtaEstimator {

    private EtaEstimator() {
    }

    /**
     * @param stageStart  when the stage's first progress arrived, with {@code startDone} steps done then
     * @return seconds left, or null until at least one step of the stage has been timed
     */
    public static Long secondsLeft(Instant stageStart, int startDone, Instant now, int done, int total) {
        if (stageStart == null || total <= 0) {
            return null;
        }
        if (done >= total) {
            return 0L;
        }
        int progressed = done - startDone;
        long elapsedMillis = Duration.between(stageStart, now).toMillis();
        if (progressed <= 0 || elapsedMillis <= 0) {
            return null;
        }
        double millisPerStep = (double) elapsedMillis / progressed;
        return Math.round(millisPerStep * (total - done) / 1000.0);
    }
}
