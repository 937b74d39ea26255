package dev.vigil.storage.catalog;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.json.EventJson;
import java.sql.Timestamp;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The one way a backup enters the catalog: when it is stored, and when the catalog is rebuilt from manifests. */
public final class CatalogRows {

    private CatalogRows() {
    }

    public static void insert(JdbcClient jdbc, ArtifactStored stored, Instant takenAt, String state, @Nullable Instant verifiedAt,
            boolean legalHold) {
        jdbc.sql("""
                insert into stored_artifacts (job_id, target_id, destination, bucket, object_key, size_bytes, sha256, stored_at, taken_at,
                    event, state, verified_at, legal_hold)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, ?)""")
                .params(stored.jobId().value(), stored.targetId().value(), stored.location().destination(), stored.location().bucket(),
                        stored.location().key(), stored.artifact().sizeBytes(), stored.artifact().sha256(), Timestamp.from(stored.occurredAt()),
                        Timestamp.from(takenAt), EventJson.writeString(stored), state, verifiedAt == null ? null : Timestamp.from(verifiedAt),
                        legalHold)
                .update();
    }
}
