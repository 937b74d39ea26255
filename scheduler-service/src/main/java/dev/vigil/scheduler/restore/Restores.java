package dev.vigil.scheduler.restore;

import dev.vigil.contracts.JobId;
import dev.vigil.contracts.RestoreCompleted;
import dev.vigil.contracts.RestoreRequested;
import dev.vigil.contracts.TableCheck;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.scheduler.job.UnknownTargetException;
import dev.vigil.scheduler.target.TargetList;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;

/**
 * Restores through the API: a request is recorded and {@link RestoreRequested} emitted through the
 * outbox in one transaction; the verifier restores (within what its allow-list lets the target do)
 * and answers with {@link RestoreCompleted}, which settles the row once. An answer to a request made
 * on the broker directly is recorded too. Thread-safe.
 */
@Service
public class Restores {

    private static final Logger log = LoggerFactory.getLogger(Restores.class);

    /** A restore as the API shows it. */
    public record Restore(UUID restoreId, String targetId, @Nullable UUID jobId, @Nullable String server, String database, boolean clean,
            List<String> schemas, List<String> tables, @Nullable String requestedBy, @Nullable Instant requestedAt, String status,
            @Nullable Instant completedAt, @Nullable String refused, @Nullable List<String> differences, @Nullable List<TableCheck> tableChecks,
            @Nullable Long restoreMillis, @Nullable List<String> environmentProblems, @Nullable String traceId) {
    }

    /** What to restore, as asked. */
    public record Request(TargetId targetId, @Nullable JobId jobId, @Nullable String server, String database, boolean clean,
            List<String> schemas, List<String> tables, String requestedBy) {
    }

    private final JdbcClient jdbc;
    private final Outbox outbox;
    private final TargetList targets;
    private final Tracer tracer;

    Restores(JdbcClient jdbc, Outbox outbox, TargetList targets, Tracer tracer) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.targets = targets;
        this.tracer = tracer;
    }

    /** Records the request and emits it; throws {@link UnknownTargetException} for a target the file does not list. */
    @Transactional
    public UUID request(Request request) {
        if (targets.find(request.targetId()).isEmpty()) {
            throw new UnknownTargetException(request.targetId(), targets.ids());
        }
        RestoreRequested event = RestoreRequested.now(UUID.randomUUID(), request.targetId(), request.jobId(), request.server(),
                request.database(), request.clean(), request.schemas(), request.tables(), request.requestedBy());
        jdbc.sql("""
                insert into restores (restore_id, target_id, job_id, server, database_name, clean, schemas, tables, requested_by, requested_at,
                  trace_id)
                values (?, ?, ?, ?, ?, ?, cast(? as jsonb), cast(? as jsonb), ?, ?, ?)""")
                .params(event.restoreId(), request.targetId().value(), request.jobId() == null ? null : request.jobId().value(), request.server(),
                        request.database(), request.clean(), EventJson.writeString(request.schemas()), EventJson.writeString(request.tables()),
                        request.requestedBy(), Timestamp.from(event.occurredAt()), traceId())
                .update();
        outbox.append(event);
        log.info("restore {} of target {} into {} requested by {}", event.restoreId(), request.targetId(), request.database(),
                request.requestedBy());
        return event.restoreId();
    }

    /** Settles a restore with the verifier's answer, once; a redelivered answer changes nothing. */
    @Transactional
    public void complete(byte[] payload) {
        RestoreCompleted e = EventJson.read(payload, RestoreCompleted.class);
        jdbc.sql("""
                insert into restores (restore_id, target_id, server, database_name, requested_by)
                values (?, ?, ?, ?, ?) on conflict (restore_id) do nothing""")
                .params(e.restoreId(), e.targetId().value(), e.server(), e.database(), e.requestedBy()).update();
        int settled = jdbc.sql("""
                update restores set status = ?, completed_at = ?, job_id = coalesce(?, job_id), refused = ?, differences = cast(? as jsonb),
                  table_checks = cast(? as jsonb), restore_millis = ?, environment_problems = cast(? as jsonb)
                where restore_id = ? and status = 'REQUESTED'""")
                .params(e.verdict().name(), Timestamp.from(e.occurredAt()), e.jobId() == null ? null : e.jobId().value(), e.refused(),
                        EventJson.writeString(e.differences()), EventJson.writeString(e.tables()), e.restoreMillis(),
                        EventJson.writeString(e.environmentProblems()), e.restoreId())
                .update();
        if (settled == 1) {
            log.info("restore {} of target {} into {}: {}{}", e.restoreId(), e.targetId(), e.database(), e.verdict(),
                    e.refused() == null ? "" : " (refused: " + e.refused() + ")");
        }
    }

    public Optional<Restore> find(UUID restoreId) {
        return jdbc.sql("select * from restores where restore_id = ?").param(restoreId).query(Restores::restore).optional();
    }

    /** Restores newest first, of one target or all. */
    public List<Restore> list(@Nullable TargetId targetId, int limit) {
        return targetId == null
                ? jdbc.sql("select * from restores order by coalesce(requested_at, completed_at) desc, restore_id desc limit ?").param(limit)
                        .query(Restores::restore).list()
                : jdbc.sql("select * from restores where target_id = ? order by coalesce(requested_at, completed_at) desc, restore_id desc limit ?")
                        .params(targetId.value(), limit).query(Restores::restore).list();
    }

    private static Restore restore(ResultSet rs, int row) throws SQLException {
        return new Restore(rs.getObject("restore_id", UUID.class), rs.getString("target_id"), rs.getObject("job_id", UUID.class),
                rs.getString("server"), rs.getString("database_name"), rs.getBoolean("clean"), strings(rs.getString("schemas")),
                strings(rs.getString("tables")), rs.getString("requested_by"), instant(rs.getTimestamp("requested_at")), rs.getString("status"),
                instant(rs.getTimestamp("completed_at")), rs.getString("refused"), nullableStrings(rs.getString("differences")),
                checks(rs.getString("table_checks")), (Long) rs.getObject("restore_millis"), nullableStrings(rs.getString("environment_problems")),
                rs.getString("trace_id"));
    }

    private static List<String> strings(String json) {
        return EventJson.mapper().readValue(json, new TypeReference<List<String>>() {
        });
    }

    private static @Nullable List<String> nullableStrings(@Nullable String json) {
        return json == null ? null : strings(json);
    }

    private static @Nullable List<TableCheck> checks(@Nullable String json) {
        return json == null ? null : EventJson.mapper().readValue(json, new TypeReference<List<TableCheck>>() {
        });
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private @Nullable String traceId() {
        Span span = tracer.currentSpan();
        return span == null ? null : span.context().traceId();
    }
}
