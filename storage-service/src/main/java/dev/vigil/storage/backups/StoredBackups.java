package dev.vigil.storage.backups;

import dev.vigil.contracts.ArtifactStored;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.json.EventJson;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The catalog of stored backups: the one owner of the {@code stored_artifacts} table, of
 * {@code copy_checks}, the last re-check of each copy at rest, and of {@code sample_restores}, the
 * backups the re-check asked the verifier to restore again and its answers. Storing adds rows, the
 * verifier's verdicts and legal holds change them, retention marks them deleted (the row stays as
 * history), the rebuild restores them from manifests, and the re-check records what it found; none of
 * those writes SQL of its own. Each call joins the caller's transaction, if any. Thread-safe.
 */
public final class StoredBackups {

    private static final Logger log = LoggerFactory.getLogger(StoredBackups.class);

    private final DataSource dataSource;
    private final JdbcClient jdbc;

    public StoredBackups(DataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
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

    /** The job whose primary copy (or its manifest) is this object, deleted or not; empty when no stored backup is. */
    public Optional<JobId> storedAt(String bucket, String key) {
        return jdbc.sql("select job_id from stored_artifacts where bucket = ? and (object_key = ? or object_key || '.manifest.json' = ?) limit 1")
                .params(bucket, key, key).query(java.util.UUID.class).optional().map(JobId::new);
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

    /**
     * The kept (not deleted) backups of exactly this target id, newest first, each with every copy
     * its {@code ArtifactStored} listed (the primary first), the SHA-256 and size recorded when it was
     * stored, and the Object Lock date last set on its copies.
     */
    public List<BackupCopies> keptCopies(TargetId targetId) {
        return jdbc.sql("""
                select job_id, taken_at, size_bytes, sha256, retain_until, event::text from stored_artifacts
                where target_id = ? and state <> 'DELETED' order by taken_at desc, stored_seq desc""")
                .param(targetId.value())
                .query((rs, n) -> new BackupCopies(new JobId(rs.getObject("job_id", UUID.class)), rs.getTimestamp("taken_at").toInstant(),
                        rs.getLong("size_bytes"), rs.getString("sha256"),
                        Optional.ofNullable(rs.getTimestamp("retain_until")).map(Timestamp::toInstant).orElse(null),
                        EventJson.read(rs.getString("event").getBytes(StandardCharsets.UTF_8), ArtifactStored.class).copies()))
                .list();
    }

    /**
     * Records the outcome of checking one copy again at rest: {@code OK}, or the faults found; the
     * copy's row replaces the one of its last check.
     */
    public void recordCopyCheck(JobId jobId, dev.vigil.contracts.StoredObject copy, Instant checkedAt, String outcome, @Nullable String detail) {
        jdbc.sql("""
                insert into copy_checks (job_id, destination, bucket, object_key, checked_at, outcome, detail) values (?, ?, ?, ?, ?, ?, ?)
                on conflict (job_id, destination) do update set bucket = excluded.bucket, object_key = excluded.object_key,
                    checked_at = excluded.checked_at, outcome = excluded.outcome, detail = excluded.detail""")
                .params(jobId.value(), copy.destination(), copy.bucket(), copy.key(), Timestamp.from(checkedAt), outcome, detail)
                .update();
    }

    /** Whether the re-check already asked the verifier to restore a backup of the target again in this month (UTC). */
    public boolean sampleRestoreAsked(TargetId targetId, YearMonth month) {
        return jdbc.sql("select count(*) from sample_restores where target_id = ? and month = ?")
                .params(targetId.value(), month.atDay(1)).query(Integer.class).single() > 0;
    }

    /**
     * Records that the verifier was asked to restore a backup of the target again, from this copy, as
     * the month's sample. A second one for the same target and month is refused by the table.
     */
    public void recordSampleRestore(UUID checkId, TargetId targetId, YearMonth month, JobId jobId, dev.vigil.contracts.StoredObject copy,
            Instant requestedAt) {
        jdbc.sql("""
                insert into sample_restores (check_id, target_id, month, job_id, destination, bucket, object_key, requested_at)
                values (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(checkId, targetId.value(), month.atDay(1), jobId.value(), copy.destination(), copy.bucket(), copy.key(),
                        Timestamp.from(requestedAt))
                .update();
    }

    /** The re-restore asked for under this check id, answered or not; empty when none was. */
    public Optional<SampleRestore> sampleRestore(UUID checkId) {
        return jdbc.sql("""
                select check_id, target_id, job_id, destination, bucket, object_key, requested_at, verdict, answer->>'eventId' as answer_event
                from sample_restores where check_id = ?""")
                .param(checkId)
                .query((rs, n) -> new SampleRestore(rs.getObject("check_id", UUID.class), new TargetId(rs.getString("target_id")),
                        new JobId(rs.getObject("job_id", UUID.class)),
                        new dev.vigil.contracts.StoredObject(rs.getString("destination"), rs.getString("bucket"), rs.getString("object_key")),
                        rs.getTimestamp("requested_at").toInstant(), rs.getString("verdict"),
                        Optional.ofNullable(rs.getString("answer_event")).map(UUID::fromString).orElse(null)))
                .optional();
    }

    /**
     * Records the verifier's answer to a re-restore, once: answers false, changing nothing, when it
     * was already answered. Touches no backup's state, verdict or retention.
     */
    public boolean recordSampleAnswer(UUID checkId, String verdict, long restoreMillis, Instant answeredAt, String answer) {
        return jdbc.sql("""
                update sample_restores set verdict = ?, restore_millis = ?, answered_at = ?, answer = cast(? as jsonb)
                where check_id = ? and verdict is null""")
                .params(verdict, restoreMillis, Timestamp.from(answeredAt), answer, checkId)
                .update() == 1;
    }

    /**
     * Runs {@code work} only while no other thread or instance runs work under the same name, holding
     * a PostgreSQL session advisory lock on a connection of its own for as long as it runs (a run may
     * take hours, longer than a transaction should stay open). Answers false, without running it,
     * when another holds the lock. Should the connection break, the lock goes with it, and another
     * instance may start the same work: this guards against duplicated effort, not for correctness.
     */
    public boolean runAlone(String name, Runnable work) {
        try (Connection connection = dataSource.getConnection()) {
            if (!advisoryLock(connection, "select pg_try_advisory_lock(hashtext(?))", name)) {
                return false;
            }
            try {
                work.run();
                return true;
            } finally {
                try {
                    advisoryLock(connection, "select pg_advisory_unlock(hashtext(?))", name);
                } catch (SQLException e) {
                    // The pool must not hand out a connection still holding the lock: a broken one is evicted, and closing aborts it.
                    log.warn("could not release the lock '{}'; dropping its connection: {}", name, e.toString());
                    try {
                        connection.abort(Runnable::run);
                    } catch (SQLException notEvenThat) {
                        log.warn("could not drop the connection holding the lock '{}': {}", name, notEvenThat.toString());
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the lock '" + name + "' could not be taken: " + e.getMessage(), e);
        }
    }

    private static boolean advisoryLock(Connection connection, String sql, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, name);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }
}
