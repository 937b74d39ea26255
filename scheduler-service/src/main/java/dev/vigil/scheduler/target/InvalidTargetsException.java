package dev.vigil.scheduler.target;

/** The targets file says something the scheduler cannot use; the message says where and what to write instead. */
public class InvalidTargetsException extends RuntimeException {

    public InvalidTargetsException(String message) {
        super(message);
    }
}
