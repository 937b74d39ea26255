package dev.vigil.contracts;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A stored backup was restored into a scratch database and compared with its source. */
@JsonClassDescription("A stored backup was restored into a scratch database and compared with what the source held at dump time.")
public record BackupVerified(
        UUID eventId,
        Instant occurredAt,
        @JsonProperty(required = true) int schemaVersion,
        JobId jobId,
        TargetId targetId,
        Verdict verdict,
        @JsonPropertyDescription("Every difference found, one line each, naming the object, expected and found; at most 1,000, the last then saying how many more there were")
        @MaxItems(EventLimits.DIFFERENCES) List<String> differences,
        @JsonPropertyDescription("Per-table row counts, expected and found; for the verdict RESTORED, found only") @MaxItems(EventLimits.TABLES) List<TableCheck> tables,
        @JsonProperty(required = true) @JsonPropertyDescription("How long downloading, decoding and restoring took, in milliseconds: the measured recovery time") long restoreMillis,
        @JsonPropertyDescription("What the verification server lacks, each with what to install or configure (since v2); "
                + "not empty exactly when the verdict is INCONCLUSIVE")
        @JsonInclude(JsonInclude.Include.NON_NULL) @MaxItems(EventLimits.ENVIRONMENT_PROBLEMS) @Nullable List<String> environmentProblems,
        @JsonPropertyDescription("The target's own checks, each with how it came out (since v3); a failed one is also a difference")
        @JsonInclude(JsonInclude.Include.NON_NULL) @MaxItems(EventLimits.CHECKS) @Nullable List<CheckResult> checks) implements JobEvent {

    /**
     * 2: the INCONCLUSIVE verdict and environmentProblems, telling a broken verification server from a
     * bad backup. 3: the target's own checks. 4: the RESTORED verdict for a dump made outside Vigil, whose
     * tables carry no expected rows.
     */
    public static final int SCHEMA_VERSION = 4;

    public BackupVerified {
        Events.header(eventId, occurredAt, schemaVersion, jobId, targetId);
        Events.required(verdict, "verdict");
        differences = Events.atMost(Events.required(differences, "differences"), EventLimits.DIFFERENCES, "differences");
        tables = Events.atMost(Events.required(tables, "tables"), EventLimits.TABLES, "tables");
        environmentProblems = Events.atMost(environmentProblems, EventLimits.ENVIRONMENT_PROBLEMS, "environmentProblems");
        checks = Events.atMost(checks, EventLimits.CHECKS, "checks");
    }

    public static BackupVerified now(JobId jobId, TargetId targetId, Verdict verdict, List<String> differences,
            List<TableCheck> tables, long restoreMillis) {
        return now(jobId, targetId, verdict, differences, tables, restoreMillis, List.of());
    }

    public static BackupVerified now(JobId jobId, TargetId targetId, Verdict verdict, List<String> differences,
            List<TableCheck> tables, long restoreMillis, List<String> environmentProblems) {
        return now(jobId, targetId, verdict, differences, tables, restoreMillis, environmentProblems, List.of());
    }

    public static BackupVerified now(JobId jobId, TargetId targetId, Verdict verdict, List<String> differences,
            List<TableCheck> tables, long restoreMillis, List<String> environmentProblems, List<CheckResult> checks) {
        return new BackupVerified(UUID.randomUUID(), Instant.now(), SCHEMA_VERSION, jobId, targetId, verdict,
                EventLimits.truncated(differences, EventLimits.DIFFERENCES), tables, restoreMillis,
                EventLimits.truncated(environmentProblems, EventLimits.ENVIRONMENT_PROBLEMS), checks);
    }

    /** The target's own checks; none for an event before version 3. */
    public List<CheckResult> checkList() {
        return checks == null ? List.of() : checks;
    }

    /** The environment problems, none for a version 1 event. */
    public List<String> environmentProblemList() {
        return environmentProblems == null ? List.of() : environmentProblems;
    }
}
