package dev.bitplan.messaging;

/** What running work may ask its loop: which try this is, who runs it, and whether it should stop. */
public interface WorkContext {

    /** 1 for the first try. */
    int attempt();

    String workerId();

    /**
     * The Kafka record being worked on, as {@code topic-partition@offset}: the same on a redelivery after a crash,
     * different for a second send of the same message (which is how a handler tells the two apart).
     */
    String record();

    /** True once the job was cancelled (a {@code JobControl(CANCEL)} was seen, or a handler called {@link #cancel}). */
    boolean cancelled(String jobId);

    /** Marks a job cancelled on this worker (e.g. the api reports it so); later checks abort its work. */
    void cancel(String jobId);

    /**
     * Call often from long work (its progress listener): throws {@link JobCancelledException} when the job was
     * cancelled, {@link WorkAbandonedException} when the worker is shutting down.
     */
    void checkCancelled(String jobId);
}
