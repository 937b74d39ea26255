package dev.vigil.storage.store;

import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.json.EventJson;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Artifacts waiting in staging because the object store failed transiently: each is tried again
 * with a growing wait until it is stored (or fails for good). Rows are claimed with {@code skip
 * locked}, so several storage instances share them without storing one twice at once.
 */
public final class PendingUploads {

    /** How long a claimed row is left alone by other instances while its upload runs. */
    private static final Duration CLAIM = Duration.ofMinutes(30);

    private final JdbcClient jdbc;
    private final Duration initialWait;
    private final Duration maxWait;

    public PendingUploads(JdbcClient jdbc, Duration initialWait, Duration maxWait) {
        this.jdbc = jdbc;
        this.initialWait = initialWait;
        this.maxWait = maxWait;
    }

    public boolean isWaiting(JobId jobId) {
        return jdbc.sql("select count(*) from pending_uploads where job_id = ?").param(jobId.value()).query(Integer.class).single() > 0;
    }

    /**
     * An artifact waiting in staging.
     *
     * @param registeredFrom where a dump made outside Vigil was fetched from (the intake); null for a worker's artifact
     */
    public record Pending(ArtifactCreated created, @org.jspecify.annotations.Nullable String registeredFrom) {
    }

    /** Records a failed try; answers how many tries there have been. */
    public int defer(ArtifactCreated created, @org.jspecify.annotations.Nullable String registeredFrom, String reason) {
        int attempts = jdbc.sql("select coalesce((select attempts from pending_uploads where job_id = ?), 0)")
                .param(created.jobId().value()).query(Integer.class).single() + 1;
        Duration wait = initialWait.multipliedBy(1L << Math.min(20, attempts - 1));
        if (wait.compareTo(maxWait) > 0) {
            wait = maxWait;
        }
        jdbc.sql("""
                insert into pending_uploads (job_id, target_id, created_event, attempts, first_failed_at, next_attempt_at, last_error,
                    registered_from)
                values (?, ?, cast(? as jsonb), 1, now(), ?, ?, ?)
                on conflict (job_id) do update set attempts = pending_uploads.attempts + 1,
                    next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error""")
                .params(created.jobId().value(), created.targetId().value(), EventJson.writeString(created),
                        Timestamp.from(Instant.now().plus(wait)), reason, registeredFrom)
                .update();
        return attempts;
    }

    /** Claims up to {@code limit} artifacts whose wait is over. */
    public List<Pending> claimDue(int limit) {
        return jdbc.sql("""
                update pending_uploads set next_attempt_at = ? where job_id in (
                    select job_id from pending_uploads where next_attempt_at <= now() order by next_attempt_at limit ? for update skip locked)
                returning created_event::text, registered_from""")
                .params(Timestamp.from(Instant.now().plus(CLAIM)), limit)
                .query((rs, n) -> new Pending(EventJson.read(rs.getString(1).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        ArtifactCreated.class), rs.getString(2))).list();
    }

    public void remove(JobId jobId) {
        jdbc.sql("delete from pending_uploads where job_id = ?").param(jobId.value()).update();
    }

    public int count() {
        return jdbc.sql("select count(*) from pending_uploads").query(Integer.class).single();
    }
}
