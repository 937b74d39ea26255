package dev.vigil.storage.config;

import dev.vigil.contracts.ArtifactCreated;
import dev.vigil.storage.retention.RetentionService;
import dev.vigil.storage.store.PendingUploads;
import dev.vigil.storage.store.StorageService;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The storage service's scheduled jobs: artifacts waiting in staging tried again when their wait is
 * over ({@code vigil.storage.upload.pending-check}), and the daily retention sweep
 * ({@code vigil.storage.retention.sweep}, UTC).
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class StorageJobs {

    private final PendingUploads pending;
    private final StorageService service;
    private final RetentionService retention;

    StorageJobs(PendingUploads pending, StorageService service, RetentionService retention) {
        this.pending = pending;
        this.service = service;
        this.retention = retention;
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
}
