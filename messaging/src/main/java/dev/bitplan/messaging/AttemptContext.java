package dev.bitplan.messaging;

import java.util.function.BooleanSupplier;

/** The {@link WorkContext} of one try of one message: its number, its worker, and whether the job or the loop stopped. */
final class AttemptContext implements WorkContext {

    private final int attempt;
    private final String workerId;
    private final String record;
    private final JobControlListener cancellations; // null: this loop hears no cancellations
    private final BooleanSupplier loopRunning;

    AttemptContext(int attempt, String workerId, String record, JobControlListener cancellations, BooleanSupplier loopRunning) {
        this.attempt = attempt;
        this.workerId = workerId;
        this.record = record;
        this.cancellations = cancellations;
        this.loopRunning = loopRunning;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public String workerId() {
        return workerId;
    }

    @Override
    public String record() {
        return record;
    }

    @Override
    public boolean cancelled(String jobId) {
        return cancellations != null && cancellations.isCancelled(jobId);
    }

    @Override
    public void cancel(String jobId) {
        if (cancellations != null) {
            cancellations.cancel(jobId);
        }
    }

    @Override
    public void checkCancelled(String jobId) {
        if (!loopRunning.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            throw new WorkAbandonedException();
        }
        if (cancelled(jobId)) {
            throw new JobCancelledException(jobId);
        }
    }
}
