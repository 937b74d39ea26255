package dev.vigil.storage.catalog;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.contracts.StoredObject;
import dev.vigil.storage.store.Destination;
import dev.vigil.storage.store.Destinations;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Writes each backup's manifest beside its artifact, and keeps it in step with the catalog row. */
public final class Manifests {

    private static final Logger log = LoggerFactory.getLogger(Manifests.class);

    private final JdbcClient jdbc;
    private final Destinations destinations;

    public Manifests(JdbcClient jdbc, Destinations destinations) {
        this.jdbc = jdbc;
        this.destinations = destinations;
    }

    /** The manifest of a backup just stored, before any verdict, beside its copy in {@code destination}. */
    public void writeNew(Destination destination, ArtifactStored stored, java.time.Instant takenAt) {
        Manifest manifest = new Manifest(Manifest.VERSION, stored, takenAt, "PENDING_VERIFICATION", null, false);
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
        Optional<Manifest> manifest = jdbc.sql("""
                select event::text, taken_at, state, verified_at, legal_hold from stored_artifacts where job_id = ? and state <> 'DELETED'""")
                .param(jobId.value())
                .query((rs, n) -> new Manifest(Manifest.VERSION,
                        EventJson.read(rs.getString(1).getBytes(StandardCharsets.UTF_8), ArtifactStored.class),
                        rs.getTimestamp(2).toInstant(), rs.getString(3),
                        Optional.ofNullable(rs.getTimestamp(4)).map(Timestamp::toInstant).orElse(null), rs.getBoolean(5)))
                .optional();
        manifest.ifPresent(m -> m.stored().copies().forEach(copy -> destinations.named(copy.destination())
                .ifPresent(destination -> write(destination, copy, m))));
    }

    public void delete(Destination destination, StoredObject copy) {
        destination.store().delete(copy.bucket(), Manifest.keyOf(copy.key()));
    }

    private void write(Destination destination, StoredObject copy, Manifest manifest) {
        destination.store().putSmall(copy.bucket(), Manifest.keyOf(copy.key()), EventJson.write(manifest), "application/json");
    }
}
