package dev.vigil.notifier.monitor;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.BackupVerified;
import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.TableCheck;
import dev.vigil.contracts.json.EventJson;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;

/**
 * What the notifier knows of each job (table {@code backups}), from ArtifactStored, BackupVerified
 * and BackupFailed: the history freshness and anomalies are judged against, and the evidence the
 * weekly report and the audit export show. Also each target's last re-check of its copies and last
 * retention run. Writes are idempotent; every method joins the caller's transaction.
 */
final class BackupHistory {

    /** A target's newest usable backup: verified (PASSED), or a dump made outside Vigil that restored (RESTORED). */
    record LastVerified(UUID jobId, Instant verifiedAt, @Nullable Long sizeBytes, long totalRows, long restoreMillis) {
    }

    private final JdbcClient jdbc;

    BackupHistory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records the stored artifact and where each copy is (the primary first). */
    void stored(UUID jobId, String targetId, Instant at, Artifact artifact, List<StoredObject> copies) {
        jdbc.sql("insert into backups (job_id, target_id, stored_at, size_bytes, sha256, format, compression, encryption_key_id, copies) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb)) on conflict (job_id) do update set stored_at = excluded.stored_at, "
                        + "size_bytes = excluded.size_bytes, sha256 = excluded.sha256, format = excluded.format, "
                        + "compression = excluded.compression, encryption_key_id = excluded.encryption_key_id, copies = excluded.copies")
                .params(jobId, targetId, Timestamp.from(at), artifact.sizeBytes(), artifact.sha256(), artifact.format(),
                        artifact.compression(), artifact.encryptionKeyId(), EventJson.writeString(copies))
                .update();
    }

    /**
     * Records the verdict and what the verification proved (tables compared, differences, the
     * target's checks, what the verification server lacked); answers whether it is new (false for a
     * redelivered verdict).
     */
    boolean verified(BackupVerified verified) {
        List<TableCheck> tables = verified.tables();
        Map<String, Long> rows = new LinkedHashMap<>();
        // A dump made outside Vigil (verdict RESTORED) expected nothing: what the restore held is what it holds.
        tables.forEach(t -> rows.put(t.schema() + "." + t.table(), rowsHeld(t)));
        long total = tables.stream().mapToLong(BackupHistory::rowsHeld).sum();
        return jdbc.sql("insert into backups (job_id, target_id, verdict, verified_at, total_rows, tables, restore_millis, tables_compared, "
                        + "differences, checks, environment_problems) values (?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, cast(? as jsonb), "
                        + "cast(? as jsonb), cast(? as jsonb)) on conflict (job_id) do update set verdict = excluded.verdict, "
                        + "verified_at = excluded.verified_at, total_rows = excluded.total_rows, tables = excluded.tables, "
                        + "restore_millis = excluded.restore_millis, tables_compared = excluded.tables_compared, "
                        + "differences = excluded.differences, checks = excluded.checks, environment_problems = excluded.environment_problems "
                        + "where backups.verdict is null")
                .params(verified.jobId().value(), verified.targetId().value(), verified.verdict().name(), Timestamp.from(verified.occurredAt()),
                        total, EventJson.writeString(rows), verified.restoreMillis(), tables.size(), EventJson.writeString(verified.differences()),
                        EventJson.writeString(verified.checkList()), EventJson.writeString(verified.environmentProblemList()))
                .update() == 1;
    }

    private static long rowsHeld(TableCheck table) {
        Long rows = table.expectedRows() != null ? table.expectedRows() : table.foundRows();
        return rows == null ? 0 : rows;
    }

    /** Keeps the target's newest re-check of its stored copies; an older one arriving late changes nothing. */
    void copiesChecked(String targetId, Instant at, int backupsChecked, int copiesChecked, int problems) {
        jdbc.sql("insert into copy_rechecks (target_id, checked_at, backups_checked, copies_checked, problems) values (?, ?, ?, ?, ?) "
                        + "on conflict (target_id) do update set checked_at = excluded.checked_at, backups_checked = excluded.backups_checked, "
                        + "copies_checked = excluded.copies_checked, problems = excluded.problems where copy_rechecks.checked_at < excluded.checked_at")
                .params(targetId, Timestamp.from(at), backupsChecked, copiesChecked, problems).update();
    }

    /** Keeps the target's newest retention run; an older one arriving late changes nothing. */
    void retentionApplied(String targetId, Instant at, String policy, int kept, int deleted) {
        jdbc.sql("insert into retention_runs (target_id, applied_at, policy, kept, deleted) values (?, ?, ?, ?, ?) "
                        + "on conflict (target_id) do update set applied_at = excluded.applied_at, policy = excluded.policy, kept = excluded.kept, "
                        + "deleted = excluded.deleted where retention_runs.applied_at < excluded.applied_at")
                .params(targetId, Timestamp.from(at), policy, kept, deleted).update();
    }

    /** Records the failure; answers whether it is new. */
    boolean failed(UUID jobId, String targetId, Instant at) {
        return jdbc.sql("insert into backups (job_id, target_id, failed_at) values (?, ?, ?) "
                        + "on conflict (job_id) do update set failed_at = excluded.failed_at where backups.failed_at is null")
                .params(jobId, targetId, Timestamp.from(at)).update() == 1;
    }

    /** Whether a backup of the target was stored after this instant: a failure reported late must not open an incident it no longer has. */
    boolean storedAfter(String targetId, Instant at) {
        return jdbc.sql("select exists (select 1 from backups where target_id = ? and stored_at > ?)")
                .params(targetId, Timestamp.from(at)).query(Boolean.class).single();
    }

    Optional<AnomalyDetector.Sample> sample(UUID jobId) {
        return jdbc.sql("select job_id, size_bytes, total_rows, tables::text as tables from backups where job_id = ? and verdict = 'PASSED'")
                .param(jobId).query((rs, n) -> sample(rs)).optional();
    }

    /** The target's verified backups before the given one, newest first. */
    List<AnomalyDetector.Sample> before(String targetId, UUID jobId, Instant verifiedAt, int limit) {
        return jdbc.sql("select job_id, size_bytes, total_rows, tables::text as tables from backups "
                        + "where target_id = ? and verdict = 'PASSED' and job_id <> ? and verified_at < ? order by verified_at desc limit ?")
                .params(targetId, jobId, Timestamp.from(verifiedAt), limit).query((rs, n) -> sample(rs)).list();
    }

    Optional<LastVerified> lastVerified(String targetId) {
        return jdbc.sql("select job_id, verified_at, size_bytes, total_rows, restore_millis from backups "
                        + "where target_id = ? and verdict in ('PASSED', 'RESTORED') order by verified_at desc limit 1")
                .param(targetId).query((rs, n) -> new LastVerified(rs.getObject("job_id", UUID.class), rs.getTimestamp("verified_at").toInstant(),
                        (Long) rs.getObject("size_bytes"), rs.getLong("total_rows"), rs.getLong("restore_millis"))).optional();
    }

    /** When the notifier first saw the target (recorded now if never). */
    Instant firstSeen(String targetId) {
        jdbc.sql("insert into targets_seen (target_id, first_seen_at) values (?, coalesce((select min(coalesce(stored_at, verified_at, failed_at)) "
                + "from backups where target_id = ?), now())) on conflict do nothing").params(targetId, targetId).update();
        return jdbc.sql("select first_seen_at from targets_seen where target_id = ?").param(targetId).query(Timestamp.class).single().toInstant();
    }

    private static AnomalyDetector.Sample sample(java.sql.ResultSet rs) throws java.sql.SQLException {
        String tables = rs.getString("tables");
        Map<String, Long> rows = tables == null ? Map.of()
                : EventJson.mapper().readValue(tables.getBytes(StandardCharsets.UTF_8), new TypeReference<Map<String, Long>>() { });
        return new AnomalyDetector.Sample(rs.getObject("job_id", UUID.class), (Long) rs.getObject("size_bytes"), rs.getLong("total_rows"), rows);
    }
}
