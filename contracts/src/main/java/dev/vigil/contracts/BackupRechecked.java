package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The verifier restored a kept backup again at the storage service's request ({@link RecheckRequested})
 * and compared it with what the dump held. Unlike {@link BackupVerified} it settles nothing: the
 * backup keeps its verdict and its place in retention. A {@code FAILED} verdict means a backup that
 * once restored no longer does; the notifier opens an incident naming the backup and the copy.
 */
@JsonClassDescription("The verifier restored a kept backup again, from the copy named, at the storage service's request (RecheckRequested "
        + "with the same checkId), and compared it with what the dump held. It changes neither the backup's verdict nor its retention; "
        + "FAILED means a backup that once restored no longer does.")
public record BackupRechecked(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        @JsonPropertyDescription("The checkId of the request answered") UUID checkId,
        @JsonPropertyDescription("The backup's job") JobId jobId,
        TargetId targetId,
        @JsonPropertyDescription("The copy restored, as the request named it") StoredObject copy,
        @JsonPropertyDescription("PASSED: it restores and holds what the dump held; FAILED: see differences; INCONCLUSIVE: the "
                + "verification server or the verifier lacks something, see environmentProblems (the backup was not judged)")
        Verdict verdict,
        @JsonPropertyDescription("Every difference found, one line each, naming the object, expected and found; at most 1,000, the last "
                + "then saying how many more there were") @MaxItems(EventLimits.DIFFERENCES) List<String> differences,
        @JsonPropertyDescription("What kept the backup from being judged, each with what to install or configure; not empty exactly when "
                + "the verdict is INCONCLUSIVE") @MaxItems(EventLimits.ENVIRONMENT_PROBLEMS) List<String> environmentProblems,
        @JsonProperty(required = true) @JsonPropertyDescription("How long downloading, decoding and restoring took, in milliseconds")
        long restoreMillis) implements JobEvent {

    public static final int SCHEMA_VERSION = 1;

    public BackupRechecked {
        Events.header(eventId, occurredAt, schemaVersion, jobId, targetId);
        Events.required(checkId, "checkId");
        Events.required(copy, "copy");
        Events.required(verdict, "verdict");
        differences = Events.atMost(Events.required(differences, "differences"), EventLimits.DIFFERENCES, "differences");
        environmentProblems = Events.atMost(Events.required(environmentProblems, "environmentProblems"), EventLimits.ENVIRONMENT_PROBLEMS,
                "environmentProblems");
        if (restoreMillis < 0) {
            throw new IllegalArgumentException("restoreMillis must not be negative, got: " + restoreMillis);
        }
    }

    /** The answer to {@code request}; differences and environment problems past their caps are cut, the last line saying how many more. */
    public static BackupRechecked of(RecheckRequested request, Verdict verdict, List<String> differences, List<String> environmentProblems,
            long restoreMillis) {
        return new BackupRechecked(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, request.checkId(), request.jobId(), request.targetId(),
                request.copy(), verdict, EventLimits.truncated(differences, EventLimits.DIFFERENCES),
                EventLimits.truncated(environmentProblems, EventLimits.ENVIRONMENT_PROBLEMS), restoreMillis);
    }
}
