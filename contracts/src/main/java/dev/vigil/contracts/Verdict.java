package dev.vigil.contracts;

/** The outcome of restoring a backup and comparing it with its source. */
public enum Verdict {
    /** The restore held exactly what the source held at dump time. */
    PASSED,
    /** The restore differs from the source or could not be restored: the backup is not good. */
    FAILED,
    /**
     * The verification server could not restore it for a reason of its own (an extension, a role, a
     * library it lacks, or a server older than the source): the backup was not judged. What to
     * install or configure is in {@code environmentProblems}. Since schema version 2 of {@link BackupVerified}.
     */
    INCONCLUSIVE,
    /**
     * A dump made outside Vigil and registered against a job restored, and what it holds was counted
     * (tables, rows, catalog), but nothing was compared: no snapshot of the source was taken when it was
     * made. A usable backup, distinct from {@link #PASSED}. Since schema version 4 of {@link BackupVerified}.
     */
    RESTORED
}
