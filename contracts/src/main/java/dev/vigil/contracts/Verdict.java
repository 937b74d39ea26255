package dev.vigil.contracts;

/** The outcome of restoring a backup and comparing it with its source. */
public enum Verdict {
    /** The restore held exactly what the source held at dump time. */
    PASSED,
    /** The restore differs from the source or could not be restored: the backup is not good. */
    FAILED
}
