package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** How far a running dump has come; published at an interval while pg_dump runs, for progress bars. */
@JsonClassDescription("How far a running dump has come; published at an interval while pg_dump runs.")
public record DumpProgressed(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        JobId jobId,
        TargetId targetId,
        @JsonProperty(required = true) @JsonPropertyDescription("Bytes written to staging so far, as stored (compressed, encrypted)") long bytesWritten,
        @JsonPropertyDescription("The table pg_dump is dumping now, as schema.table, when it says") @Nullable String currentTable) implements JobEvent {

    public static final int SCHEMA_VERSION = 1;

    public DumpProgressed {
        Events.header(eventId, occurredAt, schemaVersion, jobId, targetId);
        if (bytesWritten < 0) {
            throw new IllegalArgumentException("bytesWritten must not be negative, got: " + bytesWritten);
        }
    }

    public static DumpProgressed now(JobId jobId, TargetId targetId, long bytesWritten, @Nullable String currentTable) {
        return new DumpProgressed(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, jobId, targetId, bytesWritten, currentTable);
    }
}
