package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An artifact is held by its destination; staging may be cleaned. */
@JsonClassDescription("An artifact is held by its destination, with the checksum the dump worker computed.")
public record ArtifactStored(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        JobId jobId,
        TargetId targetId,
        @JsonPropertyDescription("The primary copy, which the verifier restores") StoredObject location,
        Artifact artifact,
        @JsonPropertyDescription("Further copies, one per replica destination (since v3); absent: none")
        @JsonInclude(JsonInclude.Include.NON_NULL) @MaxItems(EventLimits.REPLICAS) @Nullable List<StoredObject> replicas,
        @JsonPropertyDescription("The dump was made outside Vigil and registered against the job: where it was fetched from, without "
                + "query string or credentials (since v5). Its artifact then holds no row counts: no snapshot was taken when it was made, so "
                + "the verifier counts what it restores and compares nothing (verdict RESTORED). Absent: a dump Vigil's own worker made.")
        @JsonInclude(JsonInclude.Include.NON_NULL) @MaxLength(EventLimits.URL) @Nullable String registeredFrom) implements JobEvent {

    /**
     * 2: the artifact says how its bytes are compressed and encrypted. 3: replicas. 4: the artifact refers to its catalog (catalogRef).
     * 5: registeredFrom, for a dump made outside Vigil.
     */
    public static final int SCHEMA_VERSION = 5;

    public ArtifactStored {
        Events.header(eventId, occurredAt, schemaVersion, jobId, targetId);
        Events.required(location, "location");
        Events.required(artifact, "artifact");
        replicas = Events.atMost(replicas, EventLimits.REPLICAS, "replicas");
        registeredFrom = Events.text(registeredFrom, EventLimits.URL, "registeredFrom");
    }

    /** A version 4 event: no registeredFrom. */
    public ArtifactStored(UUID eventId, Instant occurredAt, int schemaVersion, JobId jobId, TargetId targetId, StoredObject location, Artifact artifact,
            @Nullable List<StoredObject> replicas) {
        this(eventId, occurredAt, schemaVersion, jobId, targetId, location, artifact, replicas, null);
    }

    public static ArtifactStored now(JobId jobId, TargetId targetId, StoredObject location, Artifact artifact, List<StoredObject> replicas) {
        return registered(jobId, targetId, location, artifact, replicas, null);
    }

    /** A stored dump made outside Vigil, fetched from {@code from} (no query string, no credentials); null: Vigil's own dump. */
    public static ArtifactStored registered(JobId jobId, TargetId targetId, StoredObject location, Artifact artifact, List<StoredObject> replicas,
            @Nullable String from) {
        return new ArtifactStored(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, jobId, targetId, location, artifact, List.copyOf(replicas), from);
    }

    /** Whether the dump was made outside Vigil: its artifact holds no row counts to compare with. */
    public boolean madeOutside() {
        return registeredFrom != null;
    }

    public static ArtifactStored now(JobId jobId, TargetId targetId, StoredObject location, Artifact artifact) {
        return now(jobId, targetId, location, artifact, List.of());
    }

    /** Every copy: the primary first, then the replicas. */
    public List<StoredObject> copies() {
        List<StoredObject> all = new java.util.ArrayList<>();
        all.add(location);
        if (replicas != null) {
            all.addAll(replicas);
        }
        return List.copyOf(all);
    }
}
