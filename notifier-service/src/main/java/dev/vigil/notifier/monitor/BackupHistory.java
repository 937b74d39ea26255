package dev.vigil.notifier.monitor;

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
 * and BackupFailed: the history freshness and anomalies are judged against. Writes are idempotent.
 */
final class BackupHistory {

    /** A target's newest verified backup. */
    record LastVerified(UUID jobId, Instant verifiedAt, @Nullable Long sizeBytes, long totalRows, long restoreMillis) {
    }

    private final JdbcClient jdbc;

    BackupHistory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void stored(UUID jobId, String targetId, Instant at, long sizeBytes) {
        jdbc.sql("insert into backups (job_id, target_id, stored_at, size_bytes) values (?, ?, ?, ?) "
                        + "on conflict (job_id) do update set stored_at = excluded.stored_at, size_bytes = excluded.size_bytes")
                .params(jobId, targetId, Timestamp.from(at), sizeBytes).update();
    }

    /** Records the verdict; answers whether it is new (false for a redelivered verdict). */
    boolean verified(UUID jobId, String targetId, Instant at, String verdict, List<TableCheck> tables, long restoreMillis) {
        Map<String, Long> rows = new LinkedHashMap<>();
        tables.forEach(t -> rows.put(t.schema() + "." + t.table(), t.expectedRows()));
        long total = tables.stream().mapToLong(TableCheck::expectedRows).sum();
        return jdbc.sql("insert into backups (job_id, target_id, verdict, verified_at, total_rows, tables, restore_millis) "
                        + "values (?, ?, ?, ?, ?, cast(? as jsonb), ?) on conflict (job_id) do update set verdict = excluded.verdict, "
                        + "verified_at = excluded.verified_at, total_rows = excluded.total_rows, tables = excluded.tables, "
                        + "restore_millis = excluded.restore_millis where backups.verdict is null")
                .params(jobId, targetId, verdict, Timestamp.from(at), total, EventJson.writeString(rows), restoreMillis).update() == 1;
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

    /** Whether a backup of the target passed verification after this instant. */
    boolean verifiedAfter(String targetId, Instant at) {
        return jdbc.sql("select exists (select 1 from backups where target_id = ? and verdict = 'PASSED' and verified_at > ?)")
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
                        + "where target_id = ? and verdict = 'PASSED' order by verified_at desc limit 1")
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
