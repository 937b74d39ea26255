package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.UUID;

/** A dump worker took the job and started pg_dump. */
@JsonClassDescription("A dump worker took the job and started pg_dump against the target.")
public record DumpStarted(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        JobId jobId,
        TargetId targetId,
        @JsonPropertyDescription("The worker instance running the dump") String workerId) implements JobEvent {

    public static final int SCHEMA_VERSION = 1;

    public DumpStarted {
        Events.header(eventId, occurredAt, schemaVersion, jobId, targetId);
        Events.required(workerId, "workerId");
    }

    public static DumpStarted now(JobId jobId, TargetId targetId, String workerId) {
        return new DumpStarted(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, jobId, targetId, workerId);
    }
}
