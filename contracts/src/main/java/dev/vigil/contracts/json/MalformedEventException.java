package dev.vigil.contracts.json;

/** A payload that cannot be an event: not JSON, or a field missing or invalid. Retrying will not help. */
public class MalformedEventException extends RuntimeException {

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
