package dev.vigil.notifier.incident;

import dev.vigil.notifier.IncidentKind;
import dev.vigil.notifier.Severity;
import dev.vigil.contracts.json.EventJson;
import dev.vigil.notifier.delivery.Deliveries;
import dev.vigil.notifier.delivery.Notice;
import dev.vigil.notifier.delivery.Subscriptions;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;

/**
 * Incidents per (target, kind): the first occurrence opens one and owes its announcement to the
 * subscribed channels; repeats join it silently, each job counted once; the first success resolves
 * it and owes a recovery message with how long it lasted and how many jobs it covered. The database
 * enforces one open incident per target and kind, so redelivered events and several notifier
 * instances never open two. Every method joins the caller's transaction.
 */
public final class Incidents {

    private static final Logger log = LoggerFactory.getLogger(Incidents.class);

    /**
     * Something went wrong once.
     *
     * @param announce false for an event older than the alert horizon: the incident changes, nobody is told
     */
    public record Occurrence(String targetId, IncidentKind kind, Instant at, @Nullable UUID jobId, @Nullable String traceId,
            String headline, List<String> details, boolean announce) {
    }

    private final JdbcClient jdbc;
    private final Deliveries deliveries;
    private final Subscriptions subscriptions;
    private final Function<String, Map<String, String>> labels;
    private final Clock clock;

    /** @param labels a target's labels by its id (none for a target not configured) */
    public Incidents(JdbcClient jdbc, Deliveries deliveries, Subscriptions subscriptions, Function<String, Map<String, String>> labels, Clock clock) {
        this.jdbc = jdbc;
        this.deliveries = deliveries;
        this.subscriptions = subscriptions;
        this.labels = labels;
        this.clock = clock;
    }

    /** Opens the target's incident of this kind, or joins the open one. */
    public void occur(Occurrence o) {
        UUID id = UUID.randomUUID();
        int opened = jdbc.sql("insert into incidents (id, target_id, kind, severity, headline, details, first_job_id, last_job_id, trace_id, "
                        + "opened_at, last_seen_at, occurrences, announced, last_notified_at) "
                        + "values (?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, ?, ?, ?, ?, ?, ?) on conflict (target_id, kind) where state = 'OPEN' do nothing")
                .params(id, o.targetId(), o.kind().name(), o.kind().severity().name(), o.headline(), EventJson.writeString(o.details()),
                        o.jobId(), o.jobId(), o.traceId(), Timestamp.from(o.at()), Timestamp.from(o.at()), o.jobId() == null ? 0 : 1,
                        o.announce(), o.announce() ? Timestamp.from(clock.instant()) : null)
                .update();
        if (opened == 1) {
            if (o.jobId() != null) {
                jdbc.sql("insert into incident_jobs (incident_id, job_id) values (?, ?)").params(id, o.jobId()).update();
            }
            log.info("incident {} opened: target {} {}: {}{}", id, o.targetId(), o.kind(), o.headline(), o.announce() ? "" : " (old event: not announced)");
            if (o.announce()) {
                owe(new Notice(id + ":OPENED", Notice.Type.OPENED, id, o.targetId(), o.kind(), o.kind().severity(), o.headline(),
                        o.details(), o.jobId() == null ? null : o.jobId().toString(), o.traceId(), o.at()));
            }
            return;
        }
        UUID open = jdbc.sql("select id from incidents where target_id = ? and kind = ? and state = 'OPEN'")
                .params(o.targetId(), o.kind().name()).query(UUID.class).optional().orElse(null);
        if (open == null) {
            // Resolved between the insert and the select by another instance: this occurrence opens the next one.
            occur(o);
            return;
        }
        boolean newJob = o.jobId() != null && jdbc.sql("insert into incident_jobs (incident_id, job_id) values (?, ?) on conflict do nothing")
                .params(open, o.jobId()).update() == 1;
        if (o.jobId() != null && !newJob) {
            return;
        }
        jdbc.sql("update incidents set occurrences = occurrences + ?, last_seen_at = greatest(last_seen_at, ?), "
                        + "last_job_id = coalesce(?, last_job_id), trace_id = coalesce(?, trace_id), headline = ?, details = cast(? as jsonb) where id = ?")
                .params(newJob ? 1 : 0, Timestamp.from(o.at()), o.jobId(), o.traceId(), o.headline(), EventJson.writeString(o.details()), open)
                .update();
        if (newJob) {
            log.info("incident {} continues: target {} {}: job {}", open, o.targetId(), o.kind(), o.jobId());
        }
    }

    /**
     * Resolves the target's open incident of this kind, if one was open before {@code at}, owing a
     * recovery message when its opening was announced.
     *
     * @param how what ended it, e.g. "job … was verified"
     */
    public void resolve(String targetId, IncidentKind kind, Instant at, String how, @Nullable UUID jobId) {
        Optional<Map.Entry<Incident, Boolean>> resolved = jdbc.sql("update incidents set state = 'RESOLVED', resolved_at = ?, resolution = ? "
                        + "where target_id = ? and kind = ? and state = 'OPEN' and opened_at <= ? returning *")
                .params(Timestamp.from(at), how, targetId, kind.name(), Timestamp.from(at))
                .query((rs, row) -> Map.entry(incident(rs, row), rs.getBoolean("announced"))).optional();
        if (resolved.isEmpty()) {
            return;
        }
        Incident incident = resolved.get().getKey();
        boolean announced = resolved.get().getValue();
        log.info("incident {} resolved: target {} {} after {}: {}", incident.id(), targetId, kind, human(Duration.between(incident.openedAt(), at)), how);
        if (!announced) {
            return;
        }
        List<String> details = new ArrayList<>();
        details.add(capitalized(how) + ".");
        details.add("It lasted " + human(Duration.between(incident.openedAt(), at)) + " (open since " + incident.openedAt() + ")"
                + (incident.jobs() == 0 ? "" : " and covered " + incident.jobs() + (incident.jobs() == 1 ? " job" : " jobs")) + ".");
        owe(new Notice(incident.id() + ":RESOLVED", Notice.Type.RESOLVED, incident.id(), targetId, kind, kind.severity(),
                "Recovered: " + targetId + ", " + kind.description() + " for " + human(Duration.between(incident.openedAt(), at)),
                details, jobId == null ? null : jobId.toString(), null, at));
    }

    /** Announces again every open, announced, unacknowledged incident last announced longer ago than the interval. */
    public void remind(Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        Instant now = clock.instant();
        List<Incident> due = jdbc.sql("select * from incidents where state = 'OPEN' and announced and acknowledged_at is null "
                        + "and last_notified_at < ? for update skip locked")
                .param(Timestamp.from(now.minus(interval))).query(Incidents::incident).list();
        for (Incident incident : due) {
            int reminder = jdbc.sql("update incidents set reminders = reminders + 1, last_notified_at = ? where id = ? returning reminders")
                    .params(Timestamp.from(now), incident.id()).query(Integer.class).single();
            List<String> details = new ArrayList<>(incident.details());
            details.add("Open for " + human(Duration.between(incident.openedAt(), now)) + (incident.jobs() == 0 ? "" : ", " + incident.jobs() + " job(s)")
                    + "; acknowledge it to stop reminders: POST /api/v1/incidents/" + incident.id() + "/acknowledge");
            owe(new Notice(incident.id() + ":REMINDER:" + reminder, Notice.Type.REMINDER, incident.id(), incident.targetId(), incident.kind(),
                    incident.severity(), "Still open: " + incident.headline(), details,
                    incident.lastJobId() == null ? null : incident.lastJobId().toString(), null, now));
        }
    }

    /** Incidents newest first, filtered by state ({@code OPEN}, {@code RESOLVED}, or null for both), target and kind. */
    public List<Incident> list(@Nullable String state, @Nullable String targetId, @Nullable IncidentKind kind, int limit) {
        return jdbc.sql("select * from incidents where (cast(? as text) is null or state = ?) and (cast(? as text) is null or target_id = ?) "
                        + "and (cast(? as text) is null or kind = ?) order by opened_at desc limit ?")
                .params(state, state, targetId, targetId, kind == null ? null : kind.name(), kind == null ? null : kind.name(), limit)
                .query(Incidents::incident).list();
    }

    public Optional<Incident> find(UUID id) {
        return jdbc.sql("select * from incidents where id = ?").param(id).query(Incidents::incident).optional();
    }

    /** Marks an open incident acknowledged (reminders stop); answers the incident, or empty when it is not open. */
    public Optional<Incident> acknowledge(UUID id, String by, @Nullable String note) {
        return jdbc.sql("update incidents set acknowledged_at = coalesce(acknowledged_at, ?), acknowledged_by = ?, acknowledge_note = ? "
                        + "where id = ? and state = 'OPEN' returning *")
                .params(Timestamp.from(clock.instant()), by, note, id).query(Incidents::incident).optional();
    }

    /** Open incidents by kind, every kind present. */
    public Map<IncidentKind, Integer> openByKind() {
        Map<IncidentKind, Integer> open = new EnumMap<>(IncidentKind.class);
        for (IncidentKind kind : IncidentKind.values()) {
            open.put(kind, 0);
        }
        jdbc.sql("select kind, count(*) as n from incidents where state = 'OPEN' group by kind")
                .query((rs, n) -> open.put(IncidentKind.valueOf(rs.getString("kind")), rs.getInt("n"))).list();
        return open;
    }

    private void owe(Notice notice) {
        deliveries.enqueue(notice, subscriptions.channelsFor(notice.targetId(), labels.apply(notice.targetId()), notice.kind(), notice.severity()));
    }

    private static Incident incident(ResultSet rs, int row) throws SQLException {
        return new Incident(rs.getObject("id", UUID.class), rs.getString("target_id"), IncidentKind.valueOf(rs.getString("kind")),
                Severity.valueOf(rs.getString("severity")), rs.getString("state"), rs.getString("headline"),
                EventJson.mapper().readValue(rs.getString("details").getBytes(StandardCharsets.UTF_8), new TypeReference<List<String>>() { }),
                rs.getObject("first_job_id", UUID.class), rs.getObject("last_job_id", UUID.class), instant(rs, "opened_at"),
                instant(rs, "last_seen_at"), instant(rs, "resolved_at"), rs.getString("resolution"), rs.getInt("occurrences"),
                instant(rs, "acknowledged_at"), rs.getString("acknowledged_by"), rs.getString("acknowledge_note"));
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /** A duration as people say it: "3h 12m", "45s", "2d 4h". */
    public static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3_600) {
            return (s / 60) + "m" + (s % 60 == 0 ? "" : " " + (s % 60) + "s");
        }
        if (s < 86_400) {
            return (s / 3_600) + "h" + ((s % 3_600) / 60 == 0 ? "" : " " + ((s % 3_600) / 60) + "m");
        }
        return (s / 86_400) + "d" + ((s % 86_400) / 3_600 == 0 ? "" : " " + ((s % 86_400) / 3_600) + "h");
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
