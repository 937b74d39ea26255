package dev.vigil.scheduler.schedule;

import dev.vigil.contracts.JobId;
import dev.vigil.contracts.Trigger;
import dev.vigil.scheduler.job.JobRegistry;
import dev.vigil.scheduler.target.Target;
import dev.vigil.scheduler.target.TargetList;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;
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
 * schedule was due while no scheduler ran gets one catch-up backup ({@link CatchUp}).
 */
@Component
class BackupSchedules {

    private static final Logger log = LoggerFactory.getLogger(BackupSchedules.class);

    private final TargetList targets;
    private final JobRegistry registry;
    private final ScheduleFirings firings;
    private final TransactionTemplate transactions;
    private final TaskScheduler scheduler;
    private final Tracer tracer;
    private final Clock clock = Clock.systemUTC();
    /** This replica, as the firings it claims name it. */
    private final String instance = hostName() + "/" + ProcessHandle.current().pid();

    BackupSchedules(TargetList targets, JobRegistry registry, ScheduleFirings firings, TransactionTemplate transactions, TaskScheduler scheduler,
            Tracer tracer) {
        this.targets = targets;
        this.registry = registry;
        this.firings = firings;
        this.transactions = transactions;
        this.scheduler = scheduler;
        this.tracer = tracer;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        Instant now = clock.instant();
        catchUp(now);
        for (Target target : targets.all()) {
            scheduleAfter(target, now);
            log.info("scheduled target {} at '{}' ({})", target.id(), target.schedule(), target.timeZone());
        }
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

    private void scheduleAfter(Target target, Instant after) {
        ZonedDateTime next = CronExpression.parse(target.schedule()).next(after.atZone(target.timeZone()));
        if (next == null) {
            return;
        }
        Instant due = next.toInstant();
        scheduler.schedule(() -> {
            try {
                fire(target, due, false);
            } finally {
                scheduleAfter(target, due);
            }
        }, due);
    }

    /**
     * Requests the backup of the firing due at {@code due}, unless another replica fired it: the job, its
     * outbox row and the firing's claim commit together or not at all. Answers the job when this replica fired it.
     */
    Optional<JobId> fire(Target target, Instant due, boolean catchUp) {
        Span span = tracer.nextSpan().name(catchUp ? "catch-up backup" : "scheduled backup").start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            Optional<JobId> fired = transactions.execute(status -> {
                JobId job = registry.request(target.id(), catchUp ? Trigger.CATCH_UP : Trigger.SCHEDULE,
                        (catchUp ? "catch-up of schedule " : "schedule ") + target.schedule(), null);
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
            return fired;
        } catch (RuntimeException e) {
            log.error("{} backup of {} due at {} could not be requested: {}", catchUp ? "catch-up" : "scheduled", target.id(), due, e.getMessage());
            return Optional.empty();
        } finally {
            span.end();
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
