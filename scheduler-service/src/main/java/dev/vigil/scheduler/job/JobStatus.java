package dev.vigil.scheduler.job;

/**
 * Where a backup job stands, derived from the lifecycle events seen for it: FAILED after a failure
 * anywhere or a failed verdict, INCONCLUSIVE after a verdict the server could not reach, otherwise the
 * furthest stage seen. The database derives it from the job's row ({@code V4__job_list.sql}).
 */
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
