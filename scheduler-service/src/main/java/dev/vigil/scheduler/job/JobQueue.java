package dev.vigil.scheduler.job;

import dev.vigil.contracts.BackupRequested;
import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Trigger;
import dev.vigil.messaging.outbox.Outbox;
import dev.vigil.scheduler.SchedulerProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The queue of scheduled and catch-up backups waiting for a place among the backups in flight
 * ({@code vigil.scheduler.max-in-flight}): {@link #release} publishes (through the outbox) as many as
 * there are free places, round-robin across targets (a target with fewer backups in flight first) and oldest
 * first within each. Every replica runs it
 * each second (and a firing replica right after its firing); a PostgreSQL advisory lock held for the release's
 * transaction lets one replica at a time count and release, so a job is released once and the limit holds
 * across replicas. Thread-safe.
 *
 * <p>In flight: a backup requested and not finished ({@code REQUESTED}, {@code DUMPING}, {@code DUMPED},
 * {@code STORED}), whatever asked for it, requested within {@code vigil.scheduler.in-flight-expiry}; never a
 * dry run (its statuses are its own) nor a registered job (its dump runs outside Vigil).
 */
@Service
public class JobQueue implements MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(JobQueue.class);
    /** The advisory lock's key: "vigil-job-queue" as hashtext would not be stable across PostgreSQL versions, so a constant. */
    private static final long LOCK = 0x76_69_67_69_6c_51_75_65L;
    /** At most this many released in one round without a limit, so a round's transaction stays short. */
    private static final int ROUND = 500;
    /** A job in flight, requested after the one parameter (the expiry). */
    private static final String IN_FLIGHT = """
            status in ('REQUESTED', 'DUMPING', 'DUMPED', 'STORED') and coalesce(released_at, listed_at) > ?
              and trigger is distinct from 'REGISTERED'""";

    private final JdbcClient jdbc;
    private final Outbox outbox;
    private final TransactionTemplate transactions;
    private final TaskScheduler scheduler;
    private final Tracer tracer;
    private final int maxInFlight;
    private final Duration inFlightExpiry;

    JobQueue(JdbcClient jdbc, Outbox outbox, TransactionTemplate transactions, TaskScheduler scheduler, Tracer tracer,
            SchedulerProperties properties) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.transactions = transactions;
        this.scheduler = scheduler;
        this.tracer = tracer;
        this.maxInFlight = properties.maxInFlight();
        this.inFlightExpiry = properties.inFlightExpiry();
    }

    /** Whether scheduled and catch-up firings wait in the queue: a limit is set. */
    public boolean limited() {
        return maxInFlight > 0;
    }

    /** Releases queued jobs every second, in every replica: without a limit (removed since they queued) all of them. */
    @EventListener(ApplicationReadyEvent.class)
    void start() {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                release();
            } catch (RuntimeException e) {
                log.warn("queued backups could not be released this round: {}", e.getMessage());
            }
        }, Duration.ofSeconds(1));
    }

    /**
     * Releases as many queued jobs as there are free places in flight, fairly: lowest turn first (a target's
     * backups in flight plus the job's place in its target's queue, oldest first), older first among equals. Answers the jobs released here; one
     * release at a time across replicas and threads, each waiting for the one under way.
     */
    public List<JobId> release() {
        List<JobId> released = transactions.execute(status -> {
            // Waits for a release under way elsewhere (it is short), then counts what that one left in flight.
            jdbc.sql("select 1 from pg_advisory_xact_lock(?)").param(LOCK).query(Integer.class).single();
            int free = limited() ? maxInFlight - (int) inFlight() : ROUND;
            if (free <= 0) {
                return List.of();
            }
            // A queued job's turn: its target's backups in flight plus its place in its target's queue, so a target
            // with backups running yields to one with none, and one with many firings waiting cannot hold back the others.
            List<Queued> next = jdbc.sql("""
                    with flying as (
                      select target_id, count(*) as n from jobs where %s group by target_id)
                    select job_id, target_id, trigger, requested_by, note, trace_id from (
                      select j.job_id, j.target_id, j.trigger, j.requested_by, j.note, j.trace_id, j.queued_at,
                        coalesce(f.n, 0) + row_number() over (partition by j.target_id order by j.queued_at, j.job_id) as turn
                      from jobs j left join flying f using (target_id) where j.status = 'QUEUED') queue
                    order by turn, queued_at, job_id limit ?""".formatted(IN_FLIGHT))
                    .params(expiredBefore(), free)
                    .query((rs, n) -> new Queued(new JobId(rs.getObject("job_id", UUID.class)), new TargetId(rs.getString("target_id")),
                            Trigger.valueOf(rs.getString("trigger")), rs.getString("requested_by"), rs.getString("note"), rs.getString("trace_id")))
                    .list();
            for (Queued job : next) {
                jdbc.sql("update jobs set released_at = now(), updated_at = now() where job_id = ? and released_at is null")
                        .param(job.jobId().value()).update();
                publish(job);
            }
            return next.stream().map(Queued::jobId).toList();
        });
        return released == null ? List.of() : released;
    }

    /** Appends the job's request to the outbox in the trace its firing started, so the job's trace goes on. */
    private void publish(Queued job) {
        Span span = job.traceId() == null ? tracer.nextSpan().name("release queued backup").start()
                : tracer.spanBuilder().setParent(parent(job.traceId())).name("release queued backup").start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            outbox.append(BackupRequested.now(job.jobId(), job.targetId(), job.trigger(), job.requestedBy(), job.note()));
            log.info("backup released from the queue: job {} target {}", job.jobId(), job.targetId());
        } finally {
            span.end();
        }
    }

    private TraceContext parent(String traceId) {
        return tracer.traceContextBuilder().traceId(traceId)
                .spanId(HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong())).sampled(true).build();
    }

    /** Backups in flight now. */
    long inFlight() {
        return jdbc.sql("select count(*) from jobs where " + IN_FLIGHT).param(expiredBefore()).query(Long.class).single();
    }

    private Timestamp expiredBefore() {
        return Timestamp.from(Instant.now().minus(inFlightExpiry));
    }

    /** Jobs waiting in the queue. */
    long depth() {
        return jdbc.sql("select count(*) from jobs where status = 'QUEUED'").query(Long.class).single();
    }

    /** How long the oldest queued job has waited, in seconds; zero with none. */
    double oldestSeconds() {
        return jdbc.sql("select coalesce(extract(epoch from now() - min(queued_at)), 0) from jobs where status = 'QUEUED'")
                .query(Double.class).single();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("vigil.backup.queue.depth", this, JobQueue::depth)
                .description("Scheduled and catch-up backups waiting for a place in flight (vigil.scheduler.max-in-flight)").register(registry);
        Gauge.builder("vigil.backup.queue.oldest.seconds", this, JobQueue::oldestSeconds)
                .description("How long the oldest queued backup has waited").register(registry);
        Gauge.builder("vigil.backups.in.flight", this, JobQueue::inFlight)
                .description("Backups requested and not finished, dry runs and registered jobs left out").register(registry);
    }

    private record Queued(JobId jobId, TargetId targetId, Trigger trigger, String requestedBy, @Nullable String note, @Nullable String traceId) {
    }
}
