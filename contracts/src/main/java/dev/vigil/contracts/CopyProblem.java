package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One stored copy of a backup found wanting when it was checked again at rest, and how. */
@JsonClassDescription("One stored copy of a backup found wanting when the storage service checked it again at rest: which backup, which copy, "
        + "what is wrong and what was found.")
public record CopyProblem(
        @JsonPropertyDescription("The backup's job") JobId jobId,
        @JsonPropertyDescription("The copy: the primary or a replica, as ArtifactStored listed it") StoredObject copy,
        @JsonPropertyDescription("MISSING: nothing under the key; ALTERED: its SHA-256 or size differs from the one recorded when it was "
                + "stored; UNREADABLE: it could not be read to the end (refused, no answer, broken read); LOCK_SHORTENED: its Object Lock "
                + "retain-until date is earlier than the one set, or gone") CopyFault fault,
        @JsonPropertyDescription("What was found, for a reader, e.g. 'SHA-256 is 9f86d0…, the catalog recorded 2c26b4…'; never a credential")
        String detail) {

    public CopyProblem {
        Events.required(jobId, "jobId");
        Events.required(copy, "copy");
        Events.required(fault, "fault");
        Events.required(detail, "detail");
    }
}
