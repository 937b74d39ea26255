package dev.vigil.scheduler.audit;

import dev.vigil.contracts.RequestAudited;
import dev.vigil.contracts.json.EventJson;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The audit log: every signed-in state-changing request any service answered, kept from the
 * {@link RequestAudited} events. Idempotent: a redelivered event changes nothing. Thread-safe.
 */
@Service
public class RequestAuditLog {

    /** One entry as the API shows it. */
    public record Entry(UUID id, Instant at, String service, String principal, String role, String method, String path, int status,
            String outcome, long millis, @Nullable String traceId) {
    }

    /** What to list; null fields do not narrow. */
    public record Query(@Nullable String service, @Nullable String principal, @Nullable String outcome, @Nullable Instant from,
            @Nullable Instant to, @Nullable Instant beforeAt, @Nullable UUID beforeId, int limit) {
    }

    private final JdbcClient jdbc;

    RequestAuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void record(byte[] payload) {
        RequestAudited e = EventJson.read(payload, RequestAudited.class);
        jdbc.sql("""
                insert into request_audit (event_id, occurred_at, service, principal, role, method, path, status, outcome, millis, trace_id)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (event_id) do nothing""")
                .params(e.eventId(), Timestamp.from(e.occurredAt()), e.service(), e.principal(), e.role().name(), e.method(), e.path(),
                        e.status(), e.outcome().name(), e.millis(), e.traceId())
                .update();
    }

    /** Entries newest first, at most {@code limit}, after the cursor (the last entry of the previous page) if any. */
    public List<Entry> find(Query query) {
        StringBuilder sql = new StringBuilder("select * from request_audit where true");
        List<Object> params = new ArrayList<>();
        if (query.service() != null) {
            sql.append(" and service = ?");
            params.add(query.service());
        }
        if (query.principal() != null) {
            sql.append(" and principal = ?");
            params.add(query.principal());
        }
        if (query.outcome() != null) {
            sql.append(" and outcome = ?");
            params.add(query.outcome());
        }
        if (query.from() != null) {
            sql.append(" and occurred_at >= ?");
            params.add(Timestamp.from(query.from()));
        }
        if (query.to() != null) {
            sql.append(" and occurred_at < ?");
            params.add(Timestamp.from(query.to()));
        }
        if (query.beforeAt() != null && query.beforeId() != null) {
            sql.append(" and (occurred_at, event_id) < (?, ?)");
            params.add(Timestamp.from(query.beforeAt()));
            params.add(query.beforeId());
        }
        sql.append(" order by occurred_at desc, event_id desc limit ?");
        params.add(query.limit());
        return jdbc.sql(sql.toString()).params(params).query((rs, n) -> new Entry(rs.getObject("event_id", UUID.class),
                rs.getTimestamp("occurred_at").toInstant(), rs.getString("service"), rs.getString("principal"), rs.getString("role"),
                rs.getString("method"), rs.getString("path"), rs.getInt("status"), rs.getString("outcome"), rs.getLong("millis"),
                rs.getString("trace_id"))).list();
    }
}
