package dev.vigil.contracts;

/** Where in the pipeline a job failed. */
public enum Stage {
    REQUEST,
    DUMP,
    STORE,
    VERIFY
}
