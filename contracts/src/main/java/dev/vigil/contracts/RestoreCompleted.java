package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The outcome of a {@link RestoreRequested}, reported like a verification. */
@JsonClassDescription("The outcome of a RestoreRequested: the backup restored into the named database and compared with what the dump "
        + "held, reported like a verification; or why nothing was restored.")
public record RestoreCompleted(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        @JsonPropertyDescription("The restoreId of the request answered") UUID restoreId,
        TargetId targetId,
        @JsonPropertyDescription("The backup restored; absent when none could be chosen")
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable JobId jobId,
        @JsonPropertyDescription("The restore server's name as requested; absent: the verification server")
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String server,
        String database,
        @JsonPropertyDescription("PASSED: restored, and every restored table holds the rows the dump held; FAILED: see refused or "
                + "differences; INCONCLUSIVE: the server lacks something, see environmentProblems") Verdict verdict,
        @JsonPropertyDescription("Why nothing was restored (a server or database the verifier's restore allow-list does not "
                + "allow for the target, the database holds something and clean was not asked, no such backup, a bad name), and what "
                + "to change; the database was left untouched") @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String refused,
        @JsonPropertyDescription("Every difference or error found, one line each; at most 1,000, the last then saying how many more "
                + "there were") @MaxItems(EventLimits.DIFFERENCES) List<String> differences,
        @JsonPropertyDescription("Per-table row counts of the tables restored, expected and found") @MaxItems(EventLimits.TABLES)
        List<TableCheck> tables,
        @JsonProperty(required = true) @JsonPropertyDescription("How long downloading, decoding and restoring took, in milliseconds") long restoreMillis,
        @JsonPropertyDescription("What the restore server lacks, each with what to install or configure")
        @MaxItems(EventLimits.ENVIRONMENT_PROBLEMS) List<String> environmentProblems,
        @JsonPropertyDescription("The requestedBy of the request answered (since v2); absent when it named no one")
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String requestedBy) implements TargetEvent {

    /** 2: requestedBy. */
    public static final int SCHEMA_VERSION = 2;

    public RestoreCompleted {
        Events.required(eventId, "eventId");
        Events.required(occurredAt, "occurredAt");
        Events.required(restoreId, "restoreId");
        Events.required(targetId, "targetId");
        Events.required(database, "database");
        Events.required(verdict, "verdict");
        differences = Events.atMost(Events.required(differences, "differences"), EventLimits.DIFFERENCES, "differences");
        tables = Events.atMost(Events.required(tables, "tables"), EventLimits.TABLES, "tables");
        environmentProblems = Events.atMost(Events.required(environmentProblems, "environmentProblems"), EventLimits.ENVIRONMENT_PROBLEMS,
                "environmentProblems");
    }

    /** Nothing was restored, and why. */
    public static RestoreCompleted refused(RestoreRequested request, @Nullable JobId jobId, String why) {
        return new RestoreCompleted(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, request.restoreId(), request.targetId(), jobId,
                request.server(), request.database(), Verdict.FAILED, why, List.of(), List.of(), 0, List.of(), request.requestedBy());
    }

    public static RestoreCompleted of(RestoreRequested request, JobId jobId, Verdict verdict, List<String> differences, List<TableCheck> tables,
            long restoreMillis, List<String> environmentProblems) {
        return new RestoreCompleted(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, request.restoreId(), request.targetId(), jobId,
                request.server(), request.database(), verdict, null, EventLimits.truncated(differences, EventLimits.DIFFERENCES), tables,
                restoreMillis, EventLimits.truncated(environmentProblems, EventLimits.ENVIRONMENT_PROBLEMS), request.requestedBy());
    }
}
