package dev.vigil.storage.backups;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.json.EventJson;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The catalog of stored backups: the one owner of the {@code stored_artifacts} table. Storing adds
 * rows, the verifier's verdicts and legal holds change them, retention marks them deleted (the row
 * stays as history), and the rebuild restores them from manifests; none of those writes SQL of its
 * own. Each call joins the caller's transaction, if any. Thread-safe.
 */
public final class StoredBackups {

    private final JdbcClient jdbc;

    public StoredBackups(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Adds a backup: when it is stored, and when the catalog is rebuilt from manifests. */
    public void insert(ArtifactStored stored, Instant takenAt, StoredBackup.State state, @Nullable Instant verifiedAt, boolean legalHold,
            dev.vigil.contracts.@Nullable Catalog sourceCatalog) {
        jdbc.sql("""
                insert into stored_artifacts (job_id, target_id, destination, bucket, object_key, size_bytes, sha256, stored_at, taken_at,
                    event, state, verified_at, legal_hold, source_catalog)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, ?, cast(? as jsonb))""")
                .params(stored.jobId().value(), stored.targetId().value(), stored.location().destination(), stored.location().bucket(),
                        stored.location().key(), stored.artifact().sizeBytes(), stored.artifact().sha256(), Timestamp.from(stored.occurredAt()),
                        Timestamp.from(takenAt), EventJson.writeString(stored), state.name(),
                        verifiedAt == null ? null : Timestamp.from(verifiedAt), legalHold,
                        sourceCatalog == null ? null : EventJson.writeString(sourceCatalog))
                .update();
    }

    /** The {@link ArtifactStored} that announced a job's backup, deleted or not; empty if the job was never stored. */
    public Optional<ArtifactStored> stored(JobId jobId) {
        return jdbc.sql("select event::text from stored_artifacts where job_id = ?").param(jobId.value()).query(String.class).optional()
                .map(json -> EventJson.read(json.getBytes(StandardCharsets.UTF_8), ArtifactStored.class));
    }

    /** Whether the catalog has a row for the job, deleted or not. */
    public boolean contains(JobId jobId) {
        return jdbc.sql("select count(*) from stored_artifacts where job_id = ?").param(jobId.value()).query(Integer.class).single() > 0;
    }

    /** What a live backup's manifest says now; empty when there is no such backup or retention deleted it. */
    Optional<Manifest> manifest(JobId jobId) {
        return jdbc.sql("""
                select event::text, taken_at, state, verified_at, legal_hold, source_catalog::text from stored_artifacts
                where job_id = ? and state <> 'DELETED'""")
                .param(jobId.value())
                .query((rs, n) -> new Manifest(Manifest.VERSION,
                        EventJson.read(rs.getString(1).getBytes(StandardCharsets.UTF_8), ArtifactStored.class),
                        rs.getTimestamp(2).toInstant(), rs.getString(3),
                        Optional.ofNullable(rs.getTimestamp(4)).map(Timestamp::toInstant).orElse(null), rs.getBoolean(5),
                        Optional.ofNullable(rs.getString(6))
                                .map(json -> EventJson.read(json.getBytes(StandardCharsets.UTF_8), dev.vigil.contracts.Catalog.class)).orElse(null)))
                .optional();
    }

    /** The live (not deleted) backups of exactly this target id. */
    public List<StoredBackup> live(TargetId targetId) {
        return jdbc.sql("""
                select job_id, taken_at, object_key, state, legal_hold, stored_seq from stored_artifacts
                where target_id = ? and state <> 'DELETED'""")
                .param(targetId.value())
                .query((rs, n) -> new StoredBackup(new JobId(rs.getObject("job_id", UUID.class)), rs.getTimestamp("taken_at").toInstant(),
                        rs.getString("object_key"), StoredBackup.State.valueOf(rs.getString("state")), rs.getBoolean("legal_hold"),
                        rs.getLong("stored_seq")))
                .list();
    }

    /** Every target that has live backups, in id order. */
    public List<TargetId> targetsWithLiveBackups() {
        return jdbc.sql("select distinct target_id from stored_artifacts where state <> 'DELETED' order by target_id")
                .query(String.class).list().stream().map(TargetId::new).toList();
    }

    /**
     * Holds, until the caller's transaction ends, the one lock that lets a single change of a
     * target's backups run at a time, across threads and instances (a PostgreSQL advisory lock).
     */
    public void lockTargetUntilCommit(TargetId targetId) {
        jdbc.sql("select 1 from pg_advisory_xact_lock(hashtext(?))").param("vigil-retention:" + targetId.value()).query(Integer.class).single();
    }

    /** What a verdict did to a stored backup. */
    public enum VerdictOutcome {
        /** The backup was pending verification and now has this verdict. */
        RECORDED,
        /** The backup already had this verdict (a redelivery): nothing changed. */
        ALREADY,
        /** The backup already had the other verdict: refused, nothing changed. */
        CONFLICTS,
        /** No live backup of this job. */
        NO_SUCH_BACKUP
    }

    /**
     * Records the verifier's verdict on a live backup. A verdict only settles a backup that is
     * pending verification: one already judged keeps its verdict, so a forged or stray verdict cannot
     * turn verified backups into failed ones for retention to delete.
     */
    public VerdictOutcome recordVerdict(JobId jobId, boolean passed, Instant at) {
        StoredBackup.State verdict = passed ? StoredBackup.State.VERIFIED : StoredBackup.State.VERIFICATION_FAILED;
        if (jdbc.sql("update stored_artifacts set state = ?, verified_at = ? where job_id = ? and state = 'PENDING_VERIFICATION'")
                .params(verdict.name(), Timestamp.from(at), jobId.value()).update() == 1) {
            return VerdictOutcome.RECORDED;
        }
        return jdbc.sql("select state from stored_artifacts where job_id = ? and state <> 'DELETED'").param(jobId.value())
                .query(String.class).optional()
                .map(state -> state.equals(verdict.name()) ? VerdictOutcome.ALREADY : VerdictOutcome.CONFLICTS)
                .orElse(VerdictOutcome.NO_SUCH_BACKUP);
    }

    /** Puts a legal hold on a live backup, or lifts it; answers whether there is one. */
    public boolean setLegalHold(JobId jobId, boolean hold) {
        return jdbc.sql("update stored_artifacts set legal_hold = ? where job_id = ? and state <> 'DELETED'").params(hold, jobId.value()).update() == 1;
    }

    /** Marks a backup deleted, with why; its row stays as history. */
    public void markDeleted(JobId jobId, String reason) {
        jdbc.sql("update stored_artifacts set state = 'DELETED', deleted_at = now(), deleted_reason = ? where job_id = ?")
                .params(reason, jobId.value()).update();
    }

    /** The Object Lock retain-until date last set on each of a target's backups that has one. */
    public Map<JobId, Instant> retainUntilDates(TargetId targetId) {
        Map<JobId, Instant> dates = new HashMap<>();
        jdbc.sql("select job_id, retain_until from stored_artifacts where target_id = ? and retain_until is not null").param(targetId.value())
                .query(rs -> {
                    dates.put(new JobId(rs.getObject(1, UUID.class)), rs.getTimestamp(2).toInstant());
                });
        return dates;
    }

    /** Records the Object Lock retain-until date now in force on every copy of a backup. */
    public void setRetainUntil(JobId jobId, Instant until) {
        jdbc.sql("update stored_artifacts set retain_until = ? where job_id = ?").params(Timestamp.from(until), jobId.value()).update();
    }
}
