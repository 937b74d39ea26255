package dev.vigil.scheduler.job;

/** Where a backup job stands, derived from the lifecycle events seen for it. */
public enum JobStatus {
    REQUESTED,
    DUMPING,
    DUMPED,
    STORED,
    VERIFIED,
    FAILED
}
