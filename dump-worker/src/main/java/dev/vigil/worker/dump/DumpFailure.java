package dev.vigil.worker.dump;

import dev.vigil.contracts.FailureClass;

/** A dump that cannot succeed, classified, with a message fit for an event: no secrets, says what to do. */
public class DumpFailure extends Exception {

    private final FailureClass failureClass;

    public DumpFailure(FailureClass failureClass, String message) {
        super(message);
        this.failureClass = failureClass;
    }

    public FailureClass failureClass() {
        return failureClass;
    }
}
