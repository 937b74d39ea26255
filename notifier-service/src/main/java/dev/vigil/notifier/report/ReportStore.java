package dev.vigil.notifier.report;

import dev.vigil.contracts.CheckResult;
import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.json.EventJson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;

/**
 * Reads what the report and the audit export are made of from the notifier's tables ({@code backups},
 * {@code copy_rechecks}, {@code retention_runs}, {@code incidents}), written by the monitor and the
 * incidents. Reads only; thread-safe.
 */
final class ReportStore {

    /** Rows fetched at a time by the audit export, so a year of verifications is never all in memory. */
    private static final int FETCH = 500;

    private final JdbcClient jdbc;
    private final TransactionTemplate readOnly;

    ReportStore(JdbcClient jdbc, TransactionTemplate readOnly) {
        this.jdbc = jdbc;
        this.readOnly = readOnly;
    }

    /** What the report of the period is made from; {@code targets} are reported on even when nothing happened to them. */
    Report.Facts facts(Period period, Set<String> targets) {
        Report.Facts facts = readOnly.execute(status -> {
            Timestamp from = Timestamp.from(period.from());
            Timestamp to = Timestamp.from(period.to());
            List<Report.Backup> backups = jdbc.sql("select job_id, target_id, stored_at, size_bytes, verdict, verified_at, restore_millis, "
                            + "failed_at from backups where (stored_at >= ? and stored_at < ?) or (verified_at >= ? and verified_at < ?) "
                            + "or (failed_at >= ? and failed_at < ?)")
                    .params(from, to, from, to, from, to)
                    .query((rs, n) -> new Report.Backup(rs.getObject("job_id", UUID.class), rs.getString("target_id"), instant(rs, "stored_at"),
                            (Long) rs.getObject("size_bytes"), rs.getString("verdict"), instant(rs, "verified_at"),
                            (Long) rs.getObject("restore_millis"), instant(rs, "failed_at")))
                    .list();
            Map<String, Report.Verified> lastVerified = new HashMap<>();
            jdbc.sql("select distinct on (target_id) target_id, job_id, verified_at from backups where verdict in ('PASSED', 'RESTORED') and verified_at < ? "
                            + "order by target_id, verified_at desc")
                    .param(to)
                    .query((ResultSet rs) -> {
                        lastVerified.put(rs.getString("target_id"), new Report.Verified(rs.getObject("job_id", UUID.class), instant(rs, "verified_at")));
                    });
            Map<String, Report.CopiesState> copies = new HashMap<>();
            jdbc.sql("select * from copy_rechecks").query((ResultSet rs) -> {
                copies.put(rs.getString("target_id"), new Report.CopiesState(instant(rs, "checked_at"), rs.getInt("backups_checked"),
                        rs.getInt("copies_checked"), rs.getInt("problems")));
            });
            Map<String, Report.RetentionState> retention = new HashMap<>();
            jdbc.sql("select * from retention_runs").query((ResultSet rs) -> {
                retention.put(rs.getString("target_id"), new Report.RetentionState(instant(rs, "applied_at"), rs.getString("policy"),
                        rs.getInt("kept"), rs.getInt("deleted")));
            });
            List<Report.OpenIncident> open = jdbc.sql("select target_id, kind, opened_at, headline from incidents where state = 'OPEN'")
                    .query((rs, n) -> new Report.OpenIncident(rs.getString("target_id"), rs.getString("kind"), instant(rs, "opened_at"),
                            rs.getString("headline")))
                    .list();
            return new Report.Facts(targets, backups, lastVerified, copies, retention, open);
        });
        if (facts == null) {
            throw new IllegalStateException("reading the report's facts answered nothing");
        }
        return facts;
    }

    /** Hands every verification of the period to {@code each}, oldest first, a few hundred rows in memory at a time. */
    void verifications(Period period, Consumer<Verification> each) {
        readOnly.executeWithoutResult(status -> jdbc.sql("select * from backups where verdict is not null and verified_at >= ? and verified_at < ? "
                        + "order by verified_at, job_id")
                .withFetchSize(FETCH)
                .params(Timestamp.from(period.from()), Timestamp.from(period.to()))
                .query((ResultSet rs) -> {
                    Long restoreMillis = (Long) rs.getObject("restore_millis");
                    each.accept(new Verification(rs.getString("target_id"), rs.getObject("job_id", UUID.class), rs.getString("verdict"),
                            instant(rs, "verified_at"), instant(rs, "stored_at"), (Long) rs.getObject("size_bytes"), rs.getString("sha256"),
                            rs.getString("format"), rs.getString("compression"), rs.getString("encryption_key_id"),
                            restoreMillis == null ? null : BigDecimal.valueOf(restoreMillis, 3), (Integer) rs.getObject("tables_compared"),
                            (Long) rs.getObject("total_rows"), json(rs, "differences", new TypeReference<List<String>>() { }),
                            json(rs, "checks", new TypeReference<List<CheckResult>>() { }),
                            json(rs, "environment_problems", new TypeReference<List<String>>() { }),
                            json(rs, "copies", new TypeReference<List<StoredObject>>() { })));
                }));
    }

    private static <T> List<T> json(ResultSet rs, String column, TypeReference<List<T>> type) throws SQLException {
        String text = rs.getString(column);
        return text == null ? List.of() : EventJson.mapper().readValue(text.getBytes(StandardCharsets.UTF_8), type);
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
