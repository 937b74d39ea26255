package dev.vigil.storage.intake;

/**
 * A registration refused before anything was recorded: the HTTP status to answer and a message that
 * says what is wrong and what to do.
 */
public final class IntakeRefused extends Exception {

    private final int status;

    IntakeRefused(int status, String message) {
        super(message);
        this.status = status;
    }

    /** 400: the request itself must change. */
    static IntakeRefused badRequest(String message) {
        return new IntakeRefused(400, message);
    }

    /** 422: the request is well formed, but the object it names is not a dump this service can take. */
    static IntakeRefused unusable(String message) {
        return new IntakeRefused(422, message);
    }

    public int status() {
        return status;
    }
}
