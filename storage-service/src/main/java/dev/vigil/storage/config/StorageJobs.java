package dev.vigil.storage.config;

import dev.vigil.storage.intake.IntakeService;
import dev.vigil.storage.recheck.CopyCheck;
import dev.vigil.storage.retention.RetentionService;
import dev.vigil.storage.store.PendingUploads;
import dev.vigil.storage.store.StorageService;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The storage service's scheduled jobs: artifacts waiting in staging tried again when their wait is
 * over ({@code vigil.storage.upload.pending-check}), registered dumps taken up again (as often), the daily retention sweep
 * ({@code vigil.storage.retention.sweep}, UTC), and the re-check of every stored copy at rest
 * ({@code vigil.storage.recheck.schedule}, UTC; {@code -}: never). The re-check may take hours, so
 * the scheduler has a thread for each job ({@code spring.task.scheduling.pool.size} in
 * storage-service.yml): it never holds up the others.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class StorageJobs {

    private final PendingUploads pending;
    private final StorageService service;
    private final RetentionService retention;
    private final CopyCheck copyCheck;

    private final IntakeService intakes;

    StorageJobs(PendingUploads pending, StorageService service, RetentionService retention, CopyCheck copyCheck, IntakeService intakes) {
        this.pending = pending;
        this.intakes = intakes;
        this.service = service;
        this.retention = retention;
        this.copyCheck = copyCheck;
    }

    /** Tries again the artifacts whose wait in staging is over; one that is settled gets its target's retention applied. */
    @Scheduled(fixedDelayString = "${vigil.storage.upload.pending-check:5s}")
    void retryPendingUploads() {
        for (PendingUploads.Pending waiting : pending.claimDue(20)) {
            if (service.retryPending(waiting)) {
                retention.applyQuietly(waiting.created().targetId());
            }
        }
    }

    /**
     * Takes up registered dumps still to be fetched whose claim ran out: at start-up, those a stopped
     * instance left; later, those waiting to be tried again. Only hands them to the intake's own threads.
     */
    @Scheduled(fixedDelayString = "${vigil.storage.upload.pending-check:5s}")
    void resumeIntakes() {
        intakes.resumeDue();
    }

    /** The daily sweep, for targets whose backups have not changed for a while. */
    @Scheduled(cron = "${vigil.storage.retention.sweep:0 30 4 * * *}", zone = "UTC")
    void sweepRetention() {
        retention.sweep();
    }

    /** Reads every stored copy of every kept backup again, against its recorded SHA-256 and Object Lock date. */
    @Scheduled(cron = "${vigil.storage.recheck.schedule:0 0 4 * * SUN}", zone = "UTC")
    void recheckCopies() {
        copyCheck.runNow();
    }
}
