package dev.vigil.scheduler;

import dev.vigil.scheduler.job.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A job of target {@code bulk-db} written straight into the registry's table, many at once, in every
 * shape the lifecycle events leave a row in (stages missing, a verdict before the store, a request not
 * yet seen), with the status and place in the list the registry should give it.
 *
 * @param listedAt when the request was made, or, for a job whose request is not seen, when the registry heard of it
 */
record BulkJob(UUID id, Instant listedAt, JobStatus status) {

    /** The list's order: newest first, then by job id as PostgreSQL orders uuids (their hex text, byte by byte). */
    static final Comparator<BulkJob> NEWEST_FIRST = Comparator.comparing(BulkJob::listedAt).thenComparing(job -> job.id().toString()).reversed();

    /**
     * Writes {@code count} jobs from {@code start} on, three to a second (so times tie and the job id
     * decides), in one statement.
     */
    static List<BulkJob> insert(JdbcClient jdbc, int count, Instant start) {
        List<BulkJob> jobs = new ArrayList<>();
        int columns = 10;
        String[][] rows = new String[columns][count];
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            String at = start.plusSeconds(i / 3).toString();
            boolean requestSeen = i % 101 != 0;
            JobStatus status = switch (i % 8) {
                case 0 -> JobStatus.REQUESTED;
                case 1 -> JobStatus.DUMPING;
                case 2 -> JobStatus.DUMPED;
                case 3, 4 -> JobStatus.STORED;
                case 5 -> JobStatus.VERIFIED;
                case 6 -> JobStatus.INCONCLUSIVE;
                default -> JobStatus.FAILED;
            };
            String[] row = {id.toString(), requestSeen ? at : null, at,
                    // dumping_at, dumped_at, stored_at, verified_at, failed_at, verdict
                    i % 8 >= 1 && i % 8 != 4 ? at : null,
                    i % 8 >= 2 && i % 8 != 4 ? at : null,
                    i % 8 >= 3 ? at : null, // 4: stored, the earlier stages' events not seen yet
                    i % 8 >= 5 ? at : null,
                    i % 16 == 7 ? at : null, // the other FAILED has a FAILED verdict only
                    switch (i % 8) {
                        case 5 -> "PASSED";
                        case 6 -> "INCONCLUSIVE";
                        case 7 -> i % 16 == 7 ? "PASSED" : "FAILED";
                        default -> null;
                    },
                    requestSeen ? "SCHEDULE" : null};
            for (int c = 0; c < columns; c++) {
                rows[c][i] = row[c];
            }
            jobs.add(new BulkJob(id, Instant.parse(at), status));
        }
        jdbc.sql("""
                insert into jobs (job_id, target_id, requested_at, created_at, dumping_at, dumped_at, stored_at, verified_at, failed_at,
                  verification, trigger)
                select cast(id as uuid), 'bulk-db', cast(requested as timestamptz), cast(created as timestamptz), cast(dumping as timestamptz),
                  cast(dumped as timestamptz), cast(stored as timestamptz), cast(verified as timestamptz), cast(failed as timestamptz),
                  case when verdict is null then null else jsonb_build_object('verdict', verdict, 'differences', jsonb_build_array(),
                    'tables', jsonb_build_array(), 'restoreMillis', 1) end, trigger
                from unnest(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                  as t(id, requested, created, dumping, dumped, stored, verified, failed, verdict, trigger)""")
                .params((Object[]) rows).update();
        return jobs;
    }
}
