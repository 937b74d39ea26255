package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.UUID;

/** An artifact is held by its destination; staging may be cleaned. */
@JsonClassDescription("An artifact is held by its destination, with the checksum the dump worker computed.")
public record ArtifactStored(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        JobId jobId,
        TargetId targetId,
        StoredObject location,
        Artifact artifact) implements VigilEvent {

    /** 2: the artifact says how its bytes are compressed and encrypted. */
    public static final int SCHEMA_VERSION = 2;

    public ArtifactStored {
        Events.header(eventId, occurredAt, schemaVersion, jobId, targetId);
        Events.required(location, "location");
        Events.required(artifact, "artifact");
    }

    public static ArtifactStored now(JobId jobId, TargetId targetId, StoredObject location, Artifact artifact) {
        return new ArtifactStored(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, jobId, targetId, location, artifact);
    }
}
