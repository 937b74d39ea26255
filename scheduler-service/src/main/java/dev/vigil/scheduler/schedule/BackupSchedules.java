package dev.vigil.scheduler.schedule;

import dev.vigil.contracts.Trigger;
import dev.vigil.scheduler.job.JobRegistry;
import dev.vigil.scheduler.target.Target;
import dev.vigil.scheduler.target.TargetList;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.stereotype.Component;

/** Fires each target's cron schedule in the target's time zone; each firing starts a job in a trace of its own. */
@Component
class BackupSchedules {

    private static final Logger log = LoggerFactory.getLogger(BackupSchedules.class);

    private final TargetList targets;
    private final JobRegistry registry;
    private final TaskScheduler scheduler;
    private final Tracer tracer;

    BackupSchedules(TargetList targets, JobRegistry registry, TaskScheduler scheduler, Tracer tracer) {
        this.targets = targets;
        this.registry = registry;
        this.scheduler = scheduler;
        this.tracer = tracer;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        for (Target target : targets.all()) {
            scheduler.schedule(() -> fire(target), new CronTrigger(target.schedule(), target.timeZone()));
            log.info("scheduled target {} at '{}' ({})", target.id(), target.schedule(), target.timeZone());
        }
    }

    private void fire(Target target) {
        Span span = tracer.nextSpan().name("scheduled backup").start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            registry.request(target.id(), Trigger.SCHEDULE, "schedule " + target.schedule(), null);
        } catch (RuntimeException e) {
            log.error("scheduled backup of {} could not be requested: {}", target.id(), e.getMessage());
        } finally {
            span.end();
        }
    }
}
