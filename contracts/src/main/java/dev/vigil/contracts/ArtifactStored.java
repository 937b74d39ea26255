package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import java.time.Instant;
import java.util.UUID;

/** An artifact is held by its destination; staging may be cleaned. */
@JsonClassDescription("An artifact is held by its destination, with the checksum the dump worker computed.")
public record ArtifactStored(
        UUID eventId,
        Instant occurredAt,
        int schemaVersion,
        JobId jobId,
        TargetId targetId,
        StoredObject location,
        Artifact artifact) implements VigilEvent {

    public static final int SCHEMA_VERSION = 1;

    public ArtifactStored {
        Events.header(eventId, occurredAt, schemaVersion, jobId, targetId);
        Events.required(location, "location");
        Events.required(artifact, "artifact");
    }

    public static ArtifactStored now(JobId jobId, TargetId targetId, StoredObject location, Artifact artifact) {
        return new ArtifactStored(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, jobId, targetId, location, artifact);
    }
}
