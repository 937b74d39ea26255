package dev.vigil.scheduler.job;

import dev.vigil.contracts.TargetId;
import dev.vigil.contracts.Trigger;
import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which jobs {@link JobRegistry#list} answers. Each filter given narrows the list; a null or an empty
 * set leaves it out. {@code from} (inclusive) and {@code to} (exclusive) bound the time a job is
 * listed by: its request's, or when the registry first heard of it while the request has not arrived.
 */
public record JobFilter(@Nullable TargetId targetId, Set<JobStatus> statuses, Set<Trigger> triggers, @Nullable Instant from,
        @Nullable Instant to) {

    public JobFilter {
        statuses = Set.copyOf(statuses);
        triggers = Set.copyOf(triggers);
    }
}
