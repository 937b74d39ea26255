package dev.vigil.scheduler.api;

/** A request the API refuses, with the HTTP status and a message that says what to do. */
class ApiException extends RuntimeException {

    private final int status;
    private final String title;

    ApiException(int status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    int status() {
        return status;
    }

    String title() {
        return title;
    }
}
