package dev.vigil.staging;

/** The staged artifact cannot be read here: a permanent failure of the job, with what to fix. */
public final class StagingUnusableException extends Exception {

    StagingUnusableException(String message) {
        super(message);
    }
}
