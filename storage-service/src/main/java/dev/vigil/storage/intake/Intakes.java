package dev.vigil.storage.intake;

import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TargetId;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code intakes} table: one row per job a dump made outside Vigil was registered against. A row
 * being fetched is claimed for a while ({@link #LEASE}), renewed while bytes move; one whose claim ran
 * out (its instance stopped) is taken up again by any instance. The full URL leaves the table when
 * the intake ends.
 */
public final class Intakes {

    /** How long a claim holds without being renewed. */
    static final Duration LEASE = Duration.ofMinutes(2);

    /** An intake as recorded; {@code url} is the full URL, never to be logged. */
    record Intake(JobId jobId, TargetId targetId, String url, String shownUrl, @Nullable String sha256, long sizeBytes, int attempts) {
    }

    private final JdbcClient jdbc;

    public Intakes(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    boolean contains(JobId jobId) {
        return jdbc.sql("select count(*) from intakes where job_id = ?").param(jobId.value()).query(Integer.class).single() > 0;
    }

    /** Records an accepted intake, claimed by the caller; false when the job already has one. */
    boolean insert(JobId jobId, TargetId targetId, IntakeUrl url, @Nullable String sha256, long sizeBytes, @Nullable String requestedBy) {
        return jdbc.sql("""
                insert into intakes (job_id, target_id, url, shown_url, sha256, size_bytes, requested_by, claimed_until)
                values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (job_id) do nothing""")
                .params(jobId.value(), targetId.value(), url.full(), url.shown(), sha256, sizeBytes < 0 ? null : sizeBytes, requestedBy,
                        Timestamp.from(Instant.now().plus(LEASE)))
                .update() == 1;
    }

    /** Claims up to {@code limit} accepted intakes whose claim ran out. */
    List<Intake> claimDue(int limit) {
        return jdbc.sql("""
                update intakes set claimed_until = ?, attempts = attempts + 1 where job_id in (
                    select job_id from intakes where state = 'ACCEPTED' and claimed_until <= now() order by claimed_until limit ?
                    for update skip locked)
                returning job_id, target_id, url, shown_url, sha256, size_bytes, attempts""")
                .params(Timestamp.from(Instant.now().plus(LEASE)), limit)
                .query((rs, n) -> new Intake(new JobId(rs.getObject(1, java.util.UUID.class)), new TargetId(rs.getString(2)), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getLong(6), rs.getInt(7)))
                .list();
    }

    /** The intake as claimed at acceptance. */
    Optional<Intake> find(JobId jobId) {
        return jdbc.sql("select job_id, target_id, url, shown_url, sha256, size_bytes, attempts from intakes where job_id = ? and state = 'ACCEPTED'")
                .param(jobId.value())
                .query((rs, n) -> new Intake(new JobId(rs.getObject(1, java.util.UUID.class)), new TargetId(rs.getString(2)), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getLong(6), rs.getInt(7)))
                .optional();
    }

    void renew(JobId jobId) {
        jdbc.sql("update intakes set claimed_until = ? where job_id = ? and state = 'ACCEPTED'")
                .params(Timestamp.from(Instant.now().plus(LEASE)), jobId.value()).update();
    }

    /** Leaves the intake to be tried again after {@code wait} (by any instance). */
    void release(JobId jobId, Duration wait, String detail) {
        jdbc.sql("update intakes set claimed_until = ?, detail = ? where job_id = ? and state = 'ACCEPTED'")
                .params(Timestamp.from(Instant.now().plus(wait)), detail, jobId.value()).update();
    }

    /** Ends the intake: handed to the store, or failed; the full URL is forgotten. */
    void finish(JobId jobId, boolean handedOver, @Nullable String detail) {
        jdbc.sql("update intakes set state = ?, url = null, finished_at = now(), detail = ? where job_id = ? and state = 'ACCEPTED'")
                .params(handedOver ? "HANDED_OVER" : "FAILED", detail, jobId.value()).update();
    }
}
