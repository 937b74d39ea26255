package dev.vigil.storage.backups;

import dev.vigil.contracts.ArtifactStored;
import org.jspecify.annotations.Nullable;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.contracts.StoredObject;
import dev.vigil.storage.destination.Destination;
import dev.vigil.storage.destination.Destinations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes each backup's manifest beside its artifact, and keeps it in step with the catalog row. */
public final class Manifests {

    private static final Logger log = LoggerFactory.getLogger(Manifests.class);

    private final StoredBackups catalog;
    private final Destinations destinations;

    public Manifests(StoredBackups catalog, Destinations destinations) {
        this.catalog = catalog;
        this.destinations = destinations;
    }

    /** The manifest of a backup just stored, before any verdict, beside its copy in {@code destination}. */
    public void writeNew(Destination destination, ArtifactStored stored, java.time.Instant takenAt,
            dev.vigil.contracts.@Nullable Catalog sourceCatalog) {
        Manifest manifest = new Manifest(Manifest.VERSION, stored, takenAt, "PENDING_VERIFICATION", null, false, sourceCatalog);
        stored.copies().stream().filter(c -> c.destination().equals(destination.name())).forEach(copy -> write(destination, copy, manifest));
    }

    /**
     * Rewrites a backup's manifest after a verdict. A failure is logged, not thrown: the catalog is
     * right and the manifest lags, saying "pending verification", which retention after a rebuild
     * treats as "keep".
     */
    public void refreshQuietly(JobId jobId) {
        try {
            refresh(jobId);
        } catch (RuntimeException e) {
            log.warn("the manifest of backup {} could not be updated ({}); the catalog holds the current state", jobId, e.toString());
        }
    }

    /** Rewrites a backup's manifest from its catalog row; throws if the store cannot take it. */
    public void refresh(JobId jobId) {
        catalog.manifest(jobId).ifPresent(m -> m.stored().copies().forEach(copy -> destinations.named(copy.destination())
                .ifPresent(destination -> write(destination, copy, m))));
    }

    /** Where a copy's manifest is, as an {@code s3://} URI: what {@code ArtifactStored} refers to for the source's catalog. */
    public static String uriOf(StoredObject copy) {
        return "s3://" + copy.bucket() + "/" + Manifest.keyOf(copy.key());
    }

    public void delete(Destination destination, StoredObject copy) {
        destination.store().delete(copy.bucket(), Manifest.keyOf(copy.key()));
    }

    private void write(Destination destination, StoredObject copy, Manifest manifest) {
        destination.store().putSmall(copy.bucket(), Manifest.keyOf(copy.key()), EventJson.write(manifest), "application/json");
    }
}
