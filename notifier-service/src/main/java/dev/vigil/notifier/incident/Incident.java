package dev.vigil.notifier.incident;

import dev.vigil.notifier.IncidentKind;
import dev.vigil.notifier.Severity;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One incident as the API shows it.
 *
 * @param jobs how many jobs it covered (a stale target's incident covers none)
 */
public record Incident(UUID id, String targetId, IncidentKind kind, Severity severity, String state, String headline,
        List<String> details, @Nullable UUID firstJobId, @Nullable UUID lastJobId, Instant openedAt, Instant lastSeenAt,
        @Nullable Instant resolvedAt, @Nullable String resolution, int jobs, @Nullable Instant acknowledgedAt,
        @Nullable String acknowledgedBy, @Nullable String acknowledgeNote) {
}
