package dev.vigil.scheduler.job;

import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Stage;
import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.json.EventJson;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code jobs} table. Every write sets a column only if it is still empty, so a redelivered event
 * changes nothing and events may arrive in any order across topics. A job's status is not written: the
 * database derives it from the row (the generated column {@code status}, {@code V4__job_list.sql}),
 * for showing and filtering alike.
 */
@Repository
class JobRepository {

    private final JdbcClient jdbc;

    JobRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void ensureExists(JobId jobId, TargetId targetId) {
        jdbc.sql("insert into jobs (job_id, target_id) values (?, ?) on conflict (job_id) do nothing")
                .params(jobId.value(), targetId.value()).update();
    }

    /**
     * Records the request; a dry run is marked so only by its first request (a redelivered or forged
     * request for a job already requested changes nothing, so no real job becomes a dry run or back).
     */
    void requested(JobId jobId, TargetId targetId, String trigger, String requestedBy, String note, Instant at, String traceId,
            boolean dryRun) {
        ensureExists(jobId, targetId);
        jdbc.sql("""
                update jobs set trigger = coalesce(trigger, ?), requested_by = coalesce(requested_by, ?), note = coalesce(note, ?),
                  dry_run = case when requested_at is null then ? else dry_run end,
                  requested_at = coalesce(requested_at, ?), trace_id = coalesce(trace_id, ?), updated_at = now()
                where job_id = ?""")
                .params(trigger, storable(requestedBy), storable(note), dryRun, Timestamp.from(at), traceId, jobId.value()).update();
    }

    /** Records a scheduled or catch-up backup that waits in the queue: requested at {@code at}, nothing published yet. */
    void queued(JobId jobId, TargetId targetId, String trigger, String requestedBy, String note, Instant at, String traceId) {
        ensureExists(jobId, targetId);
        jdbc.sql("""
                update jobs set trigger = ?, requested_by = ?, note = ?, requested_at = ?, queued_at = ?, trace_id = ?, updated_at = now()
                where job_id = ?""")
                .params(trigger, storable(requestedBy), storable(note), Timestamp.from(at), Timestamp.from(at), traceId, jobId.value()).update();
    }

    /**
     * Keeps one service's part of a dry run, the first that arrives for its stage, on a job that is a dry
     * run or whose request has not arrived yet (topics are read in any order; on a job that turns out to
     * be a backup the parts mean nothing: its status ignores them); answers false (and changes nothing)
     * for a job requested as a backup.
     */
    boolean dryRunChecked(JobId jobId, Stage stage, Job.DryRunPart part) {
        return jdbc.sql("""
                update jobs set dry_run_checks = jsonb_set(coalesce(dry_run_checks, '{}'::jsonb), array[?], cast(? as jsonb)), updated_at = now()
                where job_id = ? and (dry_run or requested_at is null) and (dry_run_checks -> ?) is null""")
                .params(stage.name(), EventJson.writeString(part), jobId.value(), stage.name()).update() == 1;
    }

    /**
     * Marks a registered job reported by its outside runner, once: answers false when it was reported
     * already (or is no registered job).
     */
    boolean reported(UUID jobId, @Nullable String artifactUrl) {
        return jdbc.sql("""
                update jobs set reported_at = now(), artifact_url = ?, updated_at = now()
                where job_id = ? and trigger = 'REGISTERED' and reported_at is null""")
                .params(artifactUrl, jobId).update() == 1;
    }

    /** Takes back a report the storage service refused, so the runner can report again. */
    void unreported(UUID jobId) {
        jdbc.sql("update jobs set reported_at = null, artifact_url = null, updated_at = now() where job_id = ? and stored_at is null and failed_at is null")
                .param(jobId).update();
    }

    /**
     * Free text a team wrote, as PostgreSQL can hold it: a NUL, which no text column takes, becomes
     * U+FFFD, so that the job is recorded rather than its request sent to the dead letters.
     */
    private static String storable(String text) {
        return text == null ? null : text.replace('\0', '\uFFFD');
    }

    void dumping(JobId jobId, Instant at, String traceId) {
        stamp(jobId, "dumping_at", at, traceId);
    }

    /** Keeps the newest report only: reports may arrive late, never move progress backwards. */
    void progressed(JobId jobId, Instant at, long bytesWritten, String currentTable) {
        jdbc.sql("""
                update jobs set progress_bytes = ?, progress_table = ?, progress_at = ?, updated_at = now()
                where job_id = ? and (progress_at is null or progress_at < ?)""")
                .params(bytesWritten, currentTable, Timestamp.from(at), jobId.value(), Timestamp.from(at)).update();
    }

    void dumped(JobId jobId, Instant at, Artifact artifact, String traceId) {
        stamp(jobId, "dumped_at", at, traceId);
        jdbc.sql("update jobs set artifact = coalesce(artifact, cast(? as jsonb)) where job_id = ?")
                .params(EventJson.writeString(artifact), jobId.value()).update();
    }

    void stored(JobId jobId, Instant at, Artifact artifact, StoredObject location, String traceId) {
        stamp(jobId, "stored_at", at, traceId);
        // The stored artifact replaces the staged one: its catalogRef names where the backup's catalog is kept for good.
        jdbc.sql("update jobs set artifact = cast(? as jsonb), location = coalesce(location, cast(? as jsonb)) where job_id = ?")
                .params(EventJson.writeString(artifact), EventJson.writeString(location), jobId.value()).update();
    }

    void verified(JobId jobId, Instant at, Job.Verification verification, String traceId) {
        stamp(jobId, "verified_at", at, traceId);
        jdbc.sql("update jobs set verification = coalesce(verification, cast(? as jsonb)) where job_id = ?")
                .params(EventJson.writeString(verification), jobId.value()).update();
    }

    void failed(JobId jobId, Instant at, Job.Failure failure, String traceId) {
        stamp(jobId, "failed_at", at, traceId);
        jdbc.sql("""
                update jobs set failure_stage = coalesce(failure_stage, ?), failure_class = coalesce(failure_class, ?),
                  failure_reason = coalesce(failure_reason, ?) where job_id = ?""")
                .params(failure.stage(), failure.failureClass(), failure.reason(), jobId.value()).update();
    }

    private void stamp(JobId jobId, String column, Instant at, String traceId) {
        // column is one of this class's own constants, never input
        jdbc.sql("update jobs set " + column + " = coalesce(" + column + ", ?), trace_id = coalesce(trace_id, ?), updated_at = now() where job_id = ?")
                .params(Timestamp.from(at), traceId, jobId.value()).update();
    }

    Optional<Job> find(UUID jobId) {
        return jdbc.sql("select * from jobs where job_id = ?").param(jobId).query(JobRepository::map).optional();
    }

    /** The target's verified jobs (any verdict), newest verdict first. */
    List<Job> verifiedByTarget(String targetId, int limit) {
        return jdbc.sql("select * from jobs where target_id = ? and verification is not null order by verified_at desc nulls last limit ?")
                .params(targetId, limit).query(JobRepository::map).list();
    }

    /**
     * The jobs the filter lets through, newest first, after {@code before} when given: a keyset page, so
     * any page is as quick as the first, and a job requested while a client pages shows on no later page.
     */
    JobPage list(JobFilter filter, JobPage.@Nullable Position before, int limit) {
        StringBuilder sql = new StringBuilder("select * from jobs where true");
        List<Object> params = new ArrayList<>();
        if (filter.targetId() != null) {
            sql.append(" and target_id = ?");
            params.add(filter.targetId().value());
        }
        in(sql, params, "status", filter.statuses());
        in(sql, params, "trigger", filter.triggers());
        if (filter.from() != null) {
            sql.append(" and listed_at >= ?");
            params.add(Timestamp.from(filter.from()));
        }
        if (filter.to() != null) {
            sql.append(" and listed_at < ?");
            params.add(Timestamp.from(filter.to()));
        }
        if (before != null) {
            sql.append(" and (listed_at, job_id) < (?, ?)");
            params.add(Timestamp.from(before.listedAt()));
            params.add(before.jobId());
        }
        // One more than asked tells whether there is a next page.
        sql.append(" order by listed_at desc, job_id desc limit ?");
        params.add(limit + 1);
        List<Listed> rows = jdbc.sql(sql.toString()).params(params).query((rs, row) -> new Listed(map(rs, row),
                new JobPage.Position(rs.getTimestamp("listed_at").toInstant(), rs.getObject("job_id", UUID.class)))).list();
        List<Listed> page = rows.subList(0, Math.min(limit, rows.size()));
        return new JobPage(page.stream().map(Listed::job).toList(), rows.size() > limit ? page.getLast().position() : null);
    }

    private record Listed(Job job, JobPage.Position position) {
    }

    /** Each target's newest finished jobs, at most {@code perTarget} each, oldest first per target (for trends). */
    List<JobOutcome> recentOutcomes(int perTarget) {
        return jdbc.sql("""
                select target_id, job_id, status, coalesce(verified_at, failed_at) as finished_at, (artifact ->> 'sizeBytes')::bigint as size_bytes,
                  (verification ->> 'restoreMillis')::bigint as restore_millis, verification ->> 'verdict' as verdict
                from (select j.*, row_number() over (partition by target_id order by listed_at desc, job_id desc) as newest
                      from jobs j where status in ('VERIFIED', 'FAILED', 'INCONCLUSIVE')) finished
                where newest <= ? order by target_id, listed_at, job_id""")
                .param(perTarget)
                .query((rs, n) -> new JobOutcome(rs.getString("target_id"), rs.getObject("job_id", UUID.class), JobStatus.valueOf(rs.getString("status")),
                        rs.getTimestamp("finished_at") == null ? null : rs.getTimestamp("finished_at").toInstant(), (Long) rs.getObject("size_bytes"),
                        (Long) rs.getObject("restore_millis"), rs.getString("verdict")))
                .list();
    }

    /** When each target's newest backup whose verification passed was verified. */
    Map<String, Instant> lastPassed() {
        Map<String, Instant> last = new java.util.HashMap<>();
        jdbc.sql("select target_id, max(verified_at) as at from jobs where verification ->> 'verdict' in ('PASSED', 'RESTORED') group by target_id")
                .query(rs -> {
                    last.put(rs.getString("target_id"), rs.getTimestamp("at").toInstant());
                });
        return last;
    }

    /** Adds {@code column in (?, …)} for the enum values' names; column is one of this class's own, never input. */
    private static void in(StringBuilder sql, List<Object> params, String column, Set<? extends Enum<?>> values) {
        if (!values.isEmpty()) {
            sql.append(" and ").append(column).append(" in (").append(String.join(", ", Collections.nCopies(values.size(), "?"))).append(')');
            values.forEach(value -> params.add(value.name()));
        }
    }

    private static Job map(ResultSet rs, int row) throws SQLException {
        Map<JobStatus, Instant> stages = new EnumMap<>(JobStatus.class);
        // A queued job is requested (published) when released; its requested_at is the firing's, which keeps its place in the list.
        put(stages, JobStatus.QUEUED, rs.getTimestamp("queued_at"));
        put(stages, JobStatus.REQUESTED, rs.getTimestamp("queued_at") != null ? rs.getTimestamp("released_at") : rs.getTimestamp("requested_at"));
        put(stages, JobStatus.DUMPING, rs.getTimestamp("dumping_at"));
        put(stages, JobStatus.DUMPED, rs.getTimestamp("dumped_at") != null ? rs.getTimestamp("dumped_at") : rs.getTimestamp("reported_at"));
        put(stages, JobStatus.STORED, rs.getTimestamp("stored_at"));
        put(stages, JobStatus.VERIFIED, rs.getTimestamp("verified_at"));
        put(stages, JobStatus.FAILED, rs.getTimestamp("failed_at"));
        Job.Verification verification = json(rs.getString("verification"), Job.Verification.class);
        Job.Failure failure = rs.getString("failure_class") == null ? null
                : new Job.Failure(rs.getString("failure_stage"), rs.getString("failure_class"), rs.getString("failure_reason"));
        Timestamp progressAt = rs.getTimestamp("progress_at");
        Job.Progress progress = progressAt == null ? null
                : new Job.Progress(rs.getLong("progress_bytes"), rs.getString("progress_table"), progressAt.toInstant());
        return new Job(rs.getObject("job_id", UUID.class), rs.getString("target_id"), JobStatus.valueOf(rs.getString("status")),
                rs.getString("trigger"), rs.getString("requested_by"), rs.getString("note"), stages, progress,
                json(rs.getString("artifact"), Artifact.class), json(rs.getString("location"), StoredObject.class),
                verification, failure, rs.getString("trace_id"), rs.getBoolean("dry_run"), dryRunChecks(rs.getString("dry_run_checks")),
                rs.getString("artifact_url"));
    }

    private static Map<Stage, Job.DryRunPart> dryRunChecks(String json) {
        if (json == null) {
            return null;
        }
        Map<Stage, Job.DryRunPart> parts = new EnumMap<>(Stage.class);
        EventJson.mapper().readTree(json).properties().forEach(e -> parts.put(Stage.valueOf(e.getKey()),
                EventJson.mapper().treeToValue(e.getValue(), Job.DryRunPart.class)));
        return parts;
    }

    private static void put(Map<JobStatus, Instant> stages, JobStatus status, Timestamp at) {
        if (at != null) {
            stages.put(status, at.toInstant());
        }
    }

    private static <T> T json(String value, Class<T> type) {
        return value == null ? null : EventJson.mapper().readValue(value, type);
    }
}
