package dev.vigil.scheduler.job;

/** Where a backup job stands, derived from the lifecycle events seen for it. */
public enum JobStatus {
    REQUESTED,
    DUMPING,
    DUMPED,
    STORED,
    VERIFIED,
    /** Stored, but the verification server could not restore it (it lacks something): the backup was not judged. */
    INCONCLUSIVE,
    FAILED
}
