package dev.vigil.storage.backups;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vigil.contracts.ArtifactStored;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What the bucket says of one backup, beside its artifact as {@code <objectKey>.manifest.json}: the
 * {@link ArtifactStored} that announced it (job, target, location, sizes, SHA-256, versions, row
 * counts, compression, encryption key id), when it was taken, its state, and the source's catalog
 * as the dump worker took it, which {@code ArtifactStored} refers to. Enough to rebuild the list of
 * stored backups from the bucket alone.
 *
 * @param state      PENDING_VERIFICATION, VERIFIED or VERIFICATION_FAILED
 * @param verifiedAt when the verdict was recorded; null before
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
record Manifest(int manifestVersion, ArtifactStored stored, Instant takenAt, String state, @Nullable Instant verifiedAt,
        boolean legalHold, dev.vigil.contracts.@Nullable Catalog catalog) {

    /** 2: the source's catalog, which the event only refers to ({@link dev.vigil.contracts.CatalogReference}). */
    static final int VERSION = 2;
    static final String SUFFIX = ".manifest.json";

    static String keyOf(String objectKey) {
        return objectKey + SUFFIX;
    }
}
