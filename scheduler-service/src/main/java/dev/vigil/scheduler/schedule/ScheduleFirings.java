package dev.vigil.scheduler.schedule;

import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TargetId;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code schedule_firings} table: each firing of a target's schedule, claimed once by whichever replica inserts it first. */
@Repository
class ScheduleFirings {

    private final JdbcClient jdbc;

    ScheduleFirings(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Claims the firing of {@code targetId} due at {@code scheduledFor} for {@code jobId}; false when another replica has it already. */
    boolean claim(TargetId targetId, Instant scheduledFor, JobId jobId, boolean catchUp, String firedBy) {
        return jdbc.sql("""
                insert into schedule_firings (target_id, scheduled_for, job_id, catch_up, fired_by) values (?, ?, ?, ?, ?)
                on conflict (target_id, scheduled_for) do nothing""")
                .params(targetId.value(), Timestamp.from(scheduledFor), jobId.value(), catchUp, firedBy).update() == 1;
    }

    /** The newest instant each target's schedule fired for (a catch-up included), by target id. */
    Map<String, Instant> lastFired() {
        Map<String, Instant> last = new HashMap<>();
        jdbc.sql("select target_id, max(scheduled_for) as at from schedule_firings group by target_id")
                .query(rs -> {
                    last.put(rs.getString("target_id"), rs.getTimestamp("at").toInstant());
                });
        return last;
    }

    /** The job the firing requested, when it was fired. */
    Optional<JobId> jobOf(TargetId targetId, Instant scheduledFor) {
        return jdbc.sql("select job_id from schedule_firings where target_id = ? and scheduled_for = ?")
                .params(targetId.value(), Timestamp.from(scheduledFor))
                .query((rs, n) -> new JobId(rs.getObject("job_id", java.util.UUID.class))).optional();
    }
}
