package dev.vigil.storage.catalog;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.storage.store.ArtifactStore;
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
    private final ArtifactStore store;

    public Manifests(JdbcClient jdbc, ArtifactStore store) {
        this.jdbc = jdbc;
        this.store = store;
    }

    /** The manifest of a backup just stored, before any verdict. */
    public void writeNew(ArtifactStored stored, java.time.Instant takenAt) {
        write(stored.location().bucket(), new Manifest(Manifest.VERSION, stored, takenAt, "PENDING_VERIFICATION", null, false));
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
        manifest.ifPresent(m -> write(m.stored().location().bucket(), m));
    }

    public void delete(String bucket, String objectKey) {
        store.delete(bucket, Manifest.keyOf(objectKey));
    }

    private void write(String bucket, Manifest manifest) {
        store.putSmall(bucket, Manifest.keyOf(manifest.stored().location().key()), EventJson.write(manifest), "application/json");
    }
}
