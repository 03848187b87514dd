package dev.bitplan.engine;

/**
 * A user's model, dataset or plan that the engine refuses, with the reason in words a user can act on.
 * Adapters map {@link #problem()} to an HTTP status (415 for the wrong kind of file, 422 for a valid
 * file that cannot be used, 400 for a malformed request).
 */
public class InvalidInputException extends RuntimeException {

    /** What is wrong, coarse enough for an adapter to pick a status code from. */
    public enum Problem {
        /** The bytes are not the kind of file expected (not ONNX, not NPZ). */
        WRONG_FORMAT,
        /** The file is of the right kind but cut short or corrupt. */
        CORRUPT,
        /** The file refers to something we refuse to read (external data outside the upload). */
        UNSAFE,
        /** A valid file that BitPlan cannot use (custom op domain, no quantizable layer, shapes that do not fit). */
        UNUSABLE,
        /** Arguments that are malformed or contradict each other (unknown layer in a plan, bits out of range). */
        BAD_REQUEST
    }

    private final Problem problem;

    public InvalidInputException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public InvalidInputException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
