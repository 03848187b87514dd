package dev.bitplan.messaging;

/** Thrown from inside running work (usually its progress listener) when the job was cancelled: the message is committed, not retried. */
public class JobCancelledException extends RuntimeException {

    private final String jobId;

    public JobCancelledException(String jobId) {
        super("job " + jobId + " was cancelled");
        this.jobId = jobId;
    }

    public String jobId() {
        return jobId;
    }
}
