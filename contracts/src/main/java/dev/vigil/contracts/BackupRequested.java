package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A backup of one target was asked for. Teams may publish this themselves. */
@JsonClassDescription("A backup of one target was asked for. Published by the scheduler (schedules, API) or by any team, keyed by targetId.")
public record BackupRequested(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        JobId jobId,
        TargetId targetId,
        @JsonPropertyDescription("SCHEDULE, API or EXTERNAL") Trigger trigger,
        @JsonPropertyDescription("Who asked, free text for the audit trail (a team, a pipeline, a user)") @Nullable String requestedBy) implements JobEvent {

    public static final int SCHEMA_VERSION = 1;

    public BackupRequested {
        Events.header(eventId, occurredAt, schemaVersion, jobId, targetId);
        Events.required(trigger, "trigger");
    }

    public static BackupRequested now(JobId jobId, TargetId targetId, Trigger trigger, @Nullable String requestedBy) {
        return new BackupRequested(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, jobId, targetId, trigger, requestedBy);
    }
}
