package dev.vigil.cli;

/**
 * Why a command stopped, as the user reads it on standard error, and the exit status it ends with.
 * {@code body} is what the server answered, if anything: printed as it is for {@code --json}.
 * Never carries the access token.
 */
final class CliFailure extends Exception {

    private final int exitCode;
    private final String body;

    CliFailure(int exitCode, String message) {
        this(exitCode, message, null);
    }

    CliFailure(int exitCode, String message, String body) {
        super(message, null, false, false);
        this.exitCode = exitCode;
        this.body = body;
    }

    int exitCode() {
        return exitCode;
    }

    /** The server's answer, or null. */
    String body() {
        return body;
    }

    static CliFailure usage(String message) {
        return new CliFailure(Exit.REFUSED, message);
    }
}
