package dev.vigil.storage.backups;

import dev.vigil.contracts.JobId;
import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.TargetId;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One re-restore the storage service asked the verifier for (the monthly sample of the re-check at
 * rest), as {@code sample_restores} holds it.
 *
 * @param verdict         the verifier's verdict ({@code PASSED}, {@code FAILED}, {@code INCONCLUSIVE}); null until answered
 * @param answerEventId   the {@code eventId} of the answer recorded; null until answered
 */
public record SampleRestore(UUID checkId, TargetId targetId, JobId jobId, StoredObject copy, Instant requestedAt, @Nullable String verdict,
        @Nullable UUID answerEventId) {

    public boolean answered() {
        return verdict != null;
    }
}
