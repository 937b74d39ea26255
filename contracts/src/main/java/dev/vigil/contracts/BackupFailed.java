package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.UUID;

/** A backup job ended without a usable backup. The reason is sanitized: no secrets, no connection strings. */
@JsonClassDescription("A backup job ended without a usable backup. The reason is sanitized: it never holds secrets.")
public record BackupFailed(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        JobId jobId,
        TargetId targetId,
        Stage stage,
        FailureClass failureClass,
        @JsonPropertyDescription("What went wrong and what to do about it, for a human") String reason) implements JobEvent {

    public static final int SCHEMA_VERSION = 1;

    public BackupFailed {
        Events.header(eventId, occurredAt, schemaVersion, jobId, targetId);
        Events.required(stage, "stage");
        Events.required(failureClass, "failureClass");
        Events.required(reason, "reason");
    }

    public static BackupFailed now(JobId jobId, TargetId targetId, Stage stage, FailureClass failureClass, String reason) {
        return new BackupFailed(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, jobId, targetId, stage, failureClass, reason);
    }
}
