package dev.vigil.scheduler.schedule;

import dev.vigil.contracts.JobId;
import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Trigger;
import dev.vigil.scheduler.SchedulerProperties;
import dev.vigil.scheduler.job.JobQueue;
import dev.vigil.scheduler.job.JobRegistry;
import dev.vigil.scheduler.target.Target;
import dev.vigil.scheduler.target.TargetList;
import dev.vigil.scheduler.target.TargetsChanged;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fires each target's cron schedule in the target's time zone; each firing starts a job in a trace of
 * its own. Safe with several replicas: every replica fires, and the firing's identity (target and the
 * instant it was due) is claimed in the database in the job's own transaction, so exactly one job is
 * requested per firing, whichever replica wins and whichever dies. At start-up, a target whose
 * schedule was due while no scheduler ran gets one catch-up backup ({@link CatchUp}). Follows the targets
 * file as it changes ({@link TargetsChanged}): new targets scheduled, removed ones cancelled, changed
 * schedules replanned.
 *
 * <p>Against a stampede of targets due at the same minute: each target's firing runs its own {@link Spread}
 * offset after the instant it was due (still claimed as that instant), and with a limit on backups in
 * flight a firing's job waits QUEUED until {@link JobQueue} releases it.
 */
@Component
class BackupSchedules {

    private static final Logger log = LoggerFactory.getLogger(BackupSchedules.class);

    private final TargetList targets;
    private final JobRegistry registry;
    private final JobQueue queue;
    private final ScheduleFirings firings;
    private final TransactionTemplate transactions;
    private final TaskScheduler scheduler;
    private final Tracer tracer;
    private final Duration spreadWindow;
    private final Clock clock = Clock.systemUTC();
    /** This replica, as the firings it claims name it. */
    private final String instance = hostName() + "/" + ProcessHandle.current().pid();
    /** Each target's schedule as planned here; changed only under this object's lock. */
    private final Map<TargetId, Plan> plans = new ConcurrentHashMap<>();
    private boolean started;

    BackupSchedules(TargetList targets, JobRegistry registry, JobQueue queue, ScheduleFirings firings, TransactionTemplate transactions,
            TaskScheduler scheduler, Tracer tracer, SchedulerProperties properties) {
        this.targets = targets;
        this.registry = registry;
        this.queue = queue;
        this.spreadWindow = properties.spreadWindow();
        this.firings = firings;
        this.transactions = transactions;
        this.scheduler = scheduler;
        this.tracer = tracer;
    }

    @EventListener(ApplicationReadyEvent.class)
    synchronized void start() {
        Instant now = clock.instant();
        catchUp(now);
        started = true;
        for (Target target : targets.all()) {
            plan(target, now);
        }
    }

    /**
     * The targets file changed: a new target is scheduled, a removed one's future firings cancelled, one
     * whose schedule or time zone changed rescheduled from its new cron; the others keep theirs untouched.
     * Compares the plans with the current targets rather than trusting the change, so it cannot schedule
     * a target twice however it interleaves with the start-up.
     */
    @EventListener
    synchronized void reschedule(TargetsChanged change) {
        if (!started) {
            return; // the start-up schedules the current targets
        }
        Instant now = clock.instant();
        Map<TargetId, Target> current = new HashMap<>();
        targets.all().forEach(target -> current.put(target.id(), target));
        for (Plan plan : List.copyOf(plans.values())) {
            Target target = current.get(plan.target.id());
            if (target == null) {
                plan.cancel();
                plans.remove(plan.target.id());
                log.info("target {} was removed from the targets file: its schedule is cancelled", plan.target.id());
            } else if (!target.schedule().equals(plan.target.schedule()) || !target.timeZone().equals(plan.target.timeZone())) {
                plan.cancel();
                plans.remove(plan.target.id());
                log.info("target {} changed its schedule from '{}' ({}) to '{}' ({})", target.id(), plan.target.schedule(), plan.target.timeZone(),
                        target.schedule(), target.timeZone());
                plan(target, now);
            }
        }
        for (Target target : current.values()) {
            if (!plans.containsKey(target.id())) {
                plan(target, now);
            }
        }
    }

    private void plan(Target target, Instant after) {
        Plan plan = new Plan(target, Spread.offset(target.id(), spreadWindow));
        plans.put(target.id(), plan);
        // A firing due up to its offset ago has not run yet: it runs at its instant plus the offset.
        scheduleAfter(plan, after.minus(plan.offset));
        log.info("scheduled target {} at '{}' ({}), {} after each instant", target.id(), target.schedule(), target.timeZone(), plan.offset);
    }

    /** For each target whose schedule was due while no scheduler ran, one catch-up backup, unless a newer verified backup makes it unneeded. */
    void catchUp(Instant now) {
        Map<String, Instant> lastFired = firings.lastFired();
        Map<String, Instant> lastVerified = registry.lastPassed();
        for (Target target : targets.all()) {
            Optional<Instant> missed = CatchUp.missed(CronExpression.parse(target.schedule()), target.timeZone(), lastFired.get(target.id().value()), now);
            if (missed.isEmpty()) {
                continue;
            }
            if (CatchUp.recentEnough(lastVerified.get(target.id().value()), missed.get())) {
                log.info("target {} missed its firing at {} while no scheduler ran; not caught up: a backup was verified since ({})", target.id(),
                        missed.get(), lastVerified.get(target.id().value()));
                continue;
            }
            fire(target, missed.get(), true).ifPresent(job -> log.info("target {} missed its firing at {} while no scheduler ran: catch-up job {}",
                    target.id(), missed.get(), job));
        }
    }

    private void scheduleAfter(Plan plan, Instant after) {
        if (plan.cancelled) {
            return;
        }
        ZonedDateTime next = CronExpression.parse(plan.target.schedule()).next(after.atZone(plan.target.timeZone()));
        if (next == null) {
            return;
        }
        Instant due = next.toInstant();
        plan.next = scheduler.schedule(() -> {
            if (plan.cancelled) {
                return;
            }
            try {
                fire(plan.target, due, false);
            } finally {
                scheduleAfter(plan, due);
            }
        }, due.plus(plan.offset));
    }

    /**
     * One target's schedule as it was planned: its next firing, until cancelled. A firing already under way
     * when it is cancelled completes (its job is requested) but plans no next one.
     */
    private static final class Plan {

        private final Target target;
        /** How long after each instant it was due the firing runs ({@link Spread}). */
        private final Duration offset;
        private volatile boolean cancelled;
        private volatile @Nullable ScheduledFuture<?> next;

        Plan(Target target, Duration offset) {
            this.target = target;
            this.offset = offset;
        }

        void cancel() {
            cancelled = true;
            ScheduledFuture<?> future = next;
            if (future != null) {
                future.cancel(false);
            }
        }
    }

    /**
     * Requests the backup of the firing due at {@code due}, unless another replica fired it: the job, its
     * outbox row (or, with a limit on backups in flight, its place in the queue) and the firing's claim commit
     * together or not at all. Answers the job when this replica fired it.
     */
    Optional<JobId> fire(Target target, Instant due, boolean catchUp) {
        Span span = tracer.nextSpan().name(catchUp ? "catch-up backup" : "scheduled backup").start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            Optional<JobId> fired = transactions.execute(status -> {
                Trigger trigger = catchUp ? Trigger.CATCH_UP : Trigger.SCHEDULE;
                String requestedBy = (catchUp ? "catch-up of schedule " : "schedule ") + target.schedule();
                JobId job = queue.limited() ? registry.queue(target.id(), trigger, requestedBy, null)
                        : registry.request(target.id(), trigger, requestedBy, null);
                if (firings.claim(target.id(), due, job, catchUp, instance)) {
                    return Optional.of(job);
                }
                status.setRollbackOnly();
                return Optional.<JobId>empty();
            });
            if (fired == null || fired.isEmpty()) {
                log.debug("firing of {} due at {} was fired by another scheduler", target.id(), due);
                return Optional.empty();
            }
            if (queue.limited()) {
                releaseQueued();
            }
            return fired;
        } catch (RuntimeException e) {
            log.error("{} backup of {} due at {} could not be requested: {}", catchUp ? "catch-up" : "scheduled", target.id(), due, e.getMessage());
            return Optional.empty();
        } finally {
            span.end();
        }
    }

    /** Releases what the queue has room for now rather than at the release loop's next round. */
    private void releaseQueued() {
        try {
            queue.release();
        } catch (RuntimeException e) {
            log.warn("queued backups could not be released now, the release loop tries again: {}", e.getMessage());
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "unknown-host";
        }
    }
}
