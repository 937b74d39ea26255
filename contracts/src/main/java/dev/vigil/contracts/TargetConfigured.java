package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.UUID;

/**
 * The scheduler's current settings for one target, published to a compacted topic keyed by the
 * target id, so dump workers know how to reach every target without reading the scheduler's tables.
 */
@JsonClassDescription("The current settings of one target, on a compacted topic keyed by targetId. Never holds a secret.")
public record TargetConfigured(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        TargetId targetId,
        Connection connection) {

    public static final int SCHEMA_VERSION = 1;

    public TargetConfigured {
        Events.required(eventId, "eventId");
        Events.required(occurredAt, "occurredAt");
        Events.required(targetId, "targetId");
        Events.required(connection, "connection");
    }

    public static TargetConfigured now(TargetId targetId, Connection connection) {
        return new TargetConfigured(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, targetId, connection);
    }
}
