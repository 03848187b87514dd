package dev.bitplan.cli;

/** A failure the user can act on: the CLI prints its message (no stack trace) and exits with its code. */
class CommandFailure extends RuntimeException {

    private final int exitCode;

    CommandFailure(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    CommandFailure(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
