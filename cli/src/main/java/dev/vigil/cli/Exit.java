package dev.vigil.cli;

/** The exit statuses of {@code vigil}, as scripts read them. */
final class Exit {

    /** Done; a backup ended VERIFIED, a restore PASSED (or RESTORED: a dump made outside Vigil), every check of a dry run passed. */
    static final int OK = 0;
    /** A backup or restore ended FAILED, an artifact could not be decoded, or the server failed (5xx). */
    static final int FAILED = 1;
    /** A usage error, or a request the server refused (4xx): nothing was done. */
    static final int REFUSED = 2;
    /** A backup or restore ended INCONCLUSIVE: the verification environment could not judge it. */
    static final int INCONCLUSIVE = 3;
    /** The server could not be reached. */
    static final int UNREACHABLE = 4;

    private Exit() {
    }

    /** The status for how a job (VERIFIED) or restore (PASSED) ended. */
    static int of(String outcome) {
        return switch (outcome) {
            case "VERIFIED", "PASSED", "RESTORED", "DRY_RUN_PASSED" -> OK;
            case "INCONCLUSIVE" -> INCONCLUSIVE;
            default -> FAILED;
        };
    }
}
