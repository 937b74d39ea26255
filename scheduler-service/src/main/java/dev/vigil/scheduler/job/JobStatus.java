package dev.vigil.scheduler.job;

/**
 * Where a backup job stands, derived from the lifecycle events seen for it: FAILED after a failure
 * anywhere or a failed verdict, INCONCLUSIVE after a verdict the server could not reach, otherwise the
 * furthest stage seen; a dry run has states of its own. The database derives it from the job's row
 * ({@code V10__job_queue.sql}).
 */
public enum JobStatus {
    /**
     * A scheduled or catch-up backup waiting for a place among the jobs in flight
     * ({@code vigil.scheduler.max-in-flight}): nothing is published yet ({@code V10__job_queue.sql}).
     */
    QUEUED,
    REQUESTED,
    DUMPING,
    /** The dump is made: by a worker, or, for a registered job, outside Vigil (its runner reported it). */
    DUMPED,
    STORED,
    /** Restored and checked: compared with its source (PASSED), or, for a dump made outside Vigil, counted (RESTORED). */
    VERIFIED,
    /** Stored, but the verification server could not restore it (it lacks something): the backup was not judged. */
    INCONCLUSIVE,
    FAILED,
    /** A dry run waiting for the worker's, the storage service's and the verifier's checks. */
    DRY_RUN,
    /** A dry run whose every check passed: a backup would get as far as running pg_dump, store and verify. */
    DRY_RUN_PASSED,
    /** A dry run with a failed check; each says what to fix. */
    DRY_RUN_FAILED;

    /** Whether the job has ended: nothing more will happen to it. */
    public boolean finished() {
        return this == VERIFIED || this == INCONCLUSIVE || this == FAILED || this == DRY_RUN_PASSED || this == DRY_RUN_FAILED;
    }
}
