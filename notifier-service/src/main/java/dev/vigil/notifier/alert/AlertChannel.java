package dev.vigil.notifier.alert;

/** Somewhere alerts go. Implementations throw when the alert was not accepted, so it is retried. */
public interface AlertChannel {

    /** Stable name, recorded with each alert sent so a redelivered event sends nothing twice. */
    String name();

    void send(Alert alert) throws Exception;
}
