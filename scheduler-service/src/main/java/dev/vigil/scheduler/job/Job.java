package dev.vigil.scheduler.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vigil.contracts.Artifact;
import dev.vigil.contracts.Stage;
import dev.vigil.contracts.StoredObject;
import dev.vigil.contracts.TableCheck;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A backup job as the registry knows it: answered by {@code GET /api/v1/jobs/{jobId}}.
 *
 * @param note     why the backup was asked for, as the request said; absent when it gave none
 * @param stages   when each status was reached
 * @param progress the latest progress a running dump reported; absent before the first report
 * @param dryRun   whether the job is a dry run: checks only, never a backup
 * @param dryRunChecks each service's part of a dry run, by stage (DUMP, STORE, VERIFY), as they arrive
 * @param artifactUrl where an outside runner's dump was fetched from (a registered job), without query string
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Job(
        UUID jobId,
        String targetId,
        JobStatus status,
        String trigger,
        String requestedBy,
        String note,
        Map<JobStatus, Instant> stages,
        Progress progress,
        Artifact artifact,
        StoredObject location,
        Verification verification,
        Failure failure,
        String traceId,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean dryRun,
        Map<Stage, DryRunPart> dryRunChecks,
        String artifactUrl) {

    /**
     * One service's part of a dry run, as its {@code DryRunChecked} said.
     *
     * @param extensions the extensions the source uses (the worker's part)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DryRunPart(boolean passed, List<dev.vigil.contracts.CheckResult> checks, String serverVersion, Long estimatedBytes,
            List<dev.vigil.contracts.SourceExtension> extensions, Instant at) {
    }

    /**
     * The verdict of restoring the backup and comparing it with its source.
     *
     * @param environmentProblems what the verification server lacks, when the verdict is INCONCLUSIVE
     * @param checks              the target's own checks, each with how it came out
     */
    public record Verification(String verdict, List<String> differences, List<TableCheck> tables, long restoreMillis,
            List<String> environmentProblems, List<dev.vigil.contracts.CheckResult> checks) {

        public Verification {
            environmentProblems = environmentProblems == null ? List.of() : List.copyOf(environmentProblems);
            checks = checks == null ? List.of() : List.copyOf(checks);
        }
    }

    /** How far the dump had come at {@code at}: bytes written as stored, and the table pg_dump was on. */
    public record Progress(long bytesWritten, String currentTable, Instant at) {
    }

    /** Why the job failed, as the failing service said. */
    public record Failure(String stage, String failureClass, String reason) {
    }
}
