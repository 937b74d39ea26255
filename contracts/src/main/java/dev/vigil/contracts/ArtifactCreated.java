package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.UUID;

/** A dump finished and its artifact waits in staging. */
@JsonClassDescription("A dump finished; its artifact waits in staging for the storage service.")
public record ArtifactCreated(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        JobId jobId,
        TargetId targetId,
        @JsonPropertyDescription("Where the artifact waits, as a URI (file:/... for a local staging directory)") String stagingUri,
        Artifact artifact) implements JobEvent {

    /** 2: the artifact says how its bytes are compressed and encrypted. 3: the artifact refers to its catalog (catalogRef). */
    public static final int SCHEMA_VERSION = 3;

    public ArtifactCreated {
        Events.header(eventId, occurredAt, schemaVersion, jobId, targetId);
        Events.required(stagingUri, "stagingUri");
        Events.required(artifact, "artifact");
    }

    public static ArtifactCreated now(JobId jobId, TargetId targetId, String stagingUri, Artifact artifact) {
        return new ArtifactCreated(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, jobId, targetId, stagingUri, artifact);
    }
}
