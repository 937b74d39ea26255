package dev.vigil.scheduler.job;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A finished job in short, for a target's trends: its status, when it finished, its size and restore time. */
public record JobOutcome(String targetId, UUID jobId, JobStatus status, @Nullable Instant finishedAt, @Nullable Long sizeBytes,
        @Nullable Long restoreMillis, @Nullable String verdict) {
}
