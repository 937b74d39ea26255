package dev.vigil.storage.backups;

import dev.vigil.contracts.JobId;
import java.time.Instant;

/**
 * One live backup in the catalog, as retention sees it.
 *
 * @param sequence  the catalog's own order of storing (immune to clock jumps in {@code takenAt})
 * @param legalHold kept whatever the policy says, until the hold is lifted
 */
public record StoredBackup(JobId jobId, Instant takenAt, String objectKey, State state, boolean legalHold, long sequence) {

    /** Where a stored backup is in its life. */
    public enum State {
        /** Stored; the verifier has not judged it yet. */
        PENDING_VERIFICATION,
        /** Restored and found to hold what the source held. */
        VERIFIED,
        /** Restored and found wanting, or could not be restored. */
        VERIFICATION_FAILED,
        /** Deleted by retention; the catalog keeps the row as history. */
        DELETED
    }
}
