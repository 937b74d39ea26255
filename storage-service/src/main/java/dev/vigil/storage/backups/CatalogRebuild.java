package dev.vigil.storage.backups;

import dev.vigil.contracts.json.EventJson;
import dev.vigil.storage.destination.ArtifactStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the catalog from the manifests in the bucket, so losing the service's database loses
 * nothing: every manifest whose artifact is still there and whose job the catalog lacks becomes a
 * row again, with its state, hold and times. Rows already present are left as they are; it can run
 * on a live service and as often as wanted.
 */
public final class CatalogRebuild {

    private static final Logger log = LoggerFactory.getLogger(CatalogRebuild.class);

    private final StoredBackups catalog;
    private final ArtifactStore store;
    private final String prefix;

    public CatalogRebuild(StoredBackups catalog, ArtifactStore store, String prefix) {
        this.catalog = catalog;
        this.store = store;
        this.prefix = prefix == null || prefix.isBlank() ? "" : prefix.replaceAll("^/+|/+$", "") + "/";
    }

    /**
     * @param withoutArtifact manifests whose artifact is gone (deleted by hand, or by retention between its two deletes)
     * @param unreadable      keys of manifests that could not be read, with why
     */
    public record Summary(String bucket, int manifests, int restored, int alreadyPresent, int withoutArtifact, List<String> unreadable) {
    }

    public Summary rebuild() {
        String bucket = store.bucket();
        List<Manifest> manifests = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (String key : store.list(bucket, prefix)) {
            if (!key.endsWith(Manifest.SUFFIX)) {
                continue;
            }
            try {
                manifests.add(EventJson.read(store.read(bucket, key), Manifest.class));
            } catch (RuntimeException e) {
                unreadable.add(key + ": " + e.getMessage());
            }
        }
        // Oldest first, so the catalog's storing order follows the stored times.
        manifests.sort(Comparator.comparing(m -> m.stored().occurredAt()));
        int restored = 0;
        int present = 0;
        int orphans = 0;
        for (Manifest manifest : manifests) {
            if (catalog.contains(manifest.stored().jobId())) {
                present++;
            } else if (!store.exists(bucket, manifest.stored().location().key())) {
                orphans++;
                log.warn("manifest of job {} has no artifact at {}; not restored", manifest.stored().jobId(), manifest.stored().location().key());
            } else {
                catalog.insert(manifest.stored(), manifest.takenAt(), StoredBackup.State.valueOf(manifest.state()), manifest.verifiedAt(),
                        manifest.legalHold(), manifest.catalog());
                restored++;
            }
        }
        Summary summary = new Summary(bucket, manifests.size(), restored, present, orphans, unreadable);
        log.info("catalog rebuilt from bucket {}: {}", bucket, summary);
        return summary;
    }
}
