package dev.vigil.storage.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vigil.contracts.ArtifactStored;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What the bucket says of one backup, beside its artifact as {@code <objectKey>.manifest.json}: the
 * {@link ArtifactStored} that announced it (job, target, location, sizes, SHA-256, versions, row
 * counts, catalog fingerprint, compression, encryption key id), when it was taken, and its state.
 * Enough to rebuild the catalog from the bucket alone.
 *
 * @param state      PENDING_VERIFICATION, VERIFIED or VERIFICATION_FAILED
 * @param verifiedAt when the verdict was recorded; null before
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
record Manifest(int manifestVersion, ArtifactStored stored, Instant takenAt, String state, @Nullable Instant verifiedAt,
        boolean legalHold) {

    static final int VERSION = 1;
    static final String SUFFIX = ".manifest.json";

    static String keyOf(String objectKey) {
        return objectKey + SUFFIX;
    }
}
