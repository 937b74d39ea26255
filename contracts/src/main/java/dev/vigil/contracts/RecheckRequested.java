package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.UUID;

/**
 * The storage service asks the verifier to restore one kept backup again, long after its
 * verification, and to compare it once more with what the dump held: the monthly sample of its
 * re-check at rest. Answered by {@link BackupRechecked} with the same {@code checkId}.
 */
@JsonClassDescription("The storage service asks the verifier to restore one kept backup again, from the copy named, into a scratch database "
        + "and to compare it with what the dump held, as a verification does; answered by BackupRechecked with the same checkId. "
        + "The monthly sample of the storage service's re-check of stored copies at rest.")
public record RecheckRequested(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        @JsonPropertyDescription("This re-restore's own id, chosen by the storage service: BackupRechecked carries it back, and a request "
                + "delivered again with it is answered again, not restored twice") UUID checkId,
        @JsonPropertyDescription("The backup's job") JobId jobId,
        TargetId targetId,
        @JsonPropertyDescription("The copy to restore: the primary, which the verifier reads from its own store (vigil.verifier.endpoint)")
        StoredObject copy,
        @JsonPropertyDescription("The artifact as ArtifactStored carried it: format, wrapping, SHA-256, row counts, catalogRef")
        Artifact artifact,
        @JsonPropertyDescription("Why this backup was chosen, for a reader, e.g. 'monthly sample 2026-11: the oldest kept verified backup of "
                + "the target, every copy found whole'") String reason) implements JobEvent {

    public static final int SCHEMA_VERSION = 1;

    public RecheckRequested {
        Events.header(eventId, occurredAt, schemaVersion, jobId, targetId);
        Events.required(checkId, "checkId");
        Events.required(copy, "copy");
        Events.required(artifact, "artifact");
        Events.required(reason, "reason");
    }

    public static RecheckRequested now(UUID checkId, JobId jobId, TargetId targetId, StoredObject copy, Artifact artifact, String reason) {
        return new RecheckRequested(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, checkId, jobId, targetId, copy, artifact, reason);
    }
}
