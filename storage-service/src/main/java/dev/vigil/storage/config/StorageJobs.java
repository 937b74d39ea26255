package dev.vigil.storage.config;

import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.storage.recheck.CopyCheck;
import dev.vigil.storage.retention.RetentionService;
import dev.vigil.storage.store.PendingUploads;
import dev.vigil.storage.store.StorageService;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The storage service's scheduled jobs: artifacts waiting in staging tried again when their wait is
 * over ({@code vigil.storage.upload.pending-check}), the daily retention sweep
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

    StorageJobs(PendingUploads pending, StorageService service, RetentionService retention, CopyCheck copyCheck) {
        this.pending = pending;
        this.service = service;
        this.retention = retention;
        this.copyCheck = copyCheck;
    }

    /** Tries again the artifacts whose wait in staging is over; one that is settled gets its target's retention applied. */
    @Scheduled(fixedDelayString = "${vigil.storage.upload.pending-check:5s}")
    void retryPendingUploads() {
        for (ArtifactCreated created : pending.claimDue(20)) {
            if (service.retryPending(created)) {
                retention.applyQuietly(created.targetId());
            }
        }
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
