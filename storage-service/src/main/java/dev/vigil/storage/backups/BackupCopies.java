package dev.vigil.storage.backups;

import dev.vigil.contracts.JobId;
import dev.vigil.contracts.StoredObject;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One kept backup as the re-check at rest sees it: every copy, and what each must still be.
 *
 * @param sizeBytes   the artifact's size when it was stored
 * @param sha256      its SHA-256 when it was stored (the dump worker's, checked on upload)
 * @param retainUntil the Object Lock date last set on its copies where their buckets have Object Lock; null: none set
 * @param copies      the primary first, then the replicas, as its {@code ArtifactStored} listed them
 */
public record BackupCopies(JobId jobId, Instant takenAt, long sizeBytes, String sha256, @Nullable Instant retainUntil,
        List<StoredObject> copies) {
}
